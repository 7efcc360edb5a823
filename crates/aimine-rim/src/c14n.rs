//! Canonical XML 1.1 (W3C, 2008), without comments, of an element and its descendants, as
//! XML-DSig needs it: for the enveloped document (one subtree left out) and for SignedInfo (an
//! element whose ancestors are not output, so it carries their namespace declarations).
//!
//! Covered: namespace nodes rendered where they differ from the nearest output ancestor's (all
//! in-scope ones at the apex), sorted with the default namespace first and then by prefix;
//! attributes sorted by namespace URI then local name; C14N's escaping of text and attribute
//! values; empty elements as start/end pairs; comments dropped. Not covered, and refused rather
//! than rendered wrongly: processing instructions and `xml:*` attributes (C14N 1.1's inheritance
//! and `xml:base` fix-up rules). DTDs are refused by the parser. NVIDIA's RIMs use none of these.

use roxmltree::{Node, NodeId};

use crate::Error;

/// The `xml` prefix's namespace, which C14N never renders.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The canonical form of `apex` and its descendants, leaving out the subtree rooted at `exclude`.
///
/// # Errors
/// [`Error::Unsupported`] for a processing instruction or an `xml:*` attribute.
pub fn canonicalize(apex: Node<'_, '_>, exclude: Option<NodeId>) -> Result<Vec<u8>, Error> {
    if !apex.is_element() {
        return Err(Error::Structure("canonicalization starts at an element"));
    }
    let mut out = Vec::with_capacity(apex.range().len());
    let mut stack: Vec<(Node<'_, '_>, bool)> = vec![(apex, false)];
    // Iterative, so that a deep document cannot overflow the stack.
    while let Some((node, closing)) = stack.pop() {
        if Some(node.id()) == exclude {
            continue;
        }
        if closing {
            out.extend_from_slice(b"</");
            out.extend_from_slice(qname(node)?.as_bytes());
            out.push(b'>');
            continue;
        }
        if node.is_element() {
            open_tag(node, node == apex, &mut out)?;
            stack.push((node, true));
            let mut child = node.last_child();
            while let Some(c) = child {
                stack.push((c, false));
                child = c.prev_sibling();
            }
        } else if node.is_text() {
            escape_text(node.text().unwrap_or_default(), &mut out);
        } else if node.is_pi() {
            return Err(Error::Unsupported("processing instruction"));
        }
        // Comments are left out (C14N without comments).
    }
    Ok(out)
}

/// The element's qualified name as written (its prefix is not recoverable from the expanded
/// name when two prefixes bind one URI, as in NVIDIA's RIMs).
fn qname<'a>(node: Node<'a, '_>) -> Result<&'a str, Error> {
    let text = node.document().input_text();
    let start = node.range().start.saturating_add(1);
    let rest = text
        .get(start..)
        .ok_or(Error::Structure("element outside its text"))?;
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .ok_or(Error::Structure("unterminated start tag"))?;
    rest.get(..end).ok_or(Error::Structure("element name"))
}

/// In-scope namespace declarations of an element, without `xml`: (prefix or "", URI).
fn in_scope<'a>(node: Node<'a, '_>) -> Vec<(&'a str, &'a str)> {
    node.namespaces()
        .filter(|ns| ns.uri() != XML_NS)
        .map(|ns| (ns.name().unwrap_or(""), ns.uri()))
        .collect()
}

fn open_tag(node: Node<'_, '_>, is_apex: bool, out: &mut Vec<u8>) -> Result<(), Error> {
    out.push(b'<');
    out.extend_from_slice(qname(node)?.as_bytes());

    // Namespace nodes: those the nearest output ancestor does not already have. At the apex no
    // ancestor is output, so every in-scope namespace is rendered.
    let mine = in_scope(node);
    let parent = match node.parent_element() {
        Some(p) if !is_apex => in_scope(p),
        _ => Vec::new(),
    };
    let mut render: Vec<(&str, &str)> = mine
        .iter()
        .filter(|ns| !parent.contains(ns))
        .copied()
        .collect();
    // A default namespace in scope above but undeclared here: xmlns="".
    let parent_default = parent
        .iter()
        .any(|(p, uri)| p.is_empty() && !uri.is_empty());
    let my_default = mine.iter().any(|(p, uri)| p.is_empty() && !uri.is_empty());
    if parent_default && !my_default {
        render.push(("", ""));
    }
    render.retain(|(p, uri)| !(p.is_empty() && uri.is_empty() && !parent_default));
    render.sort_by(|a, b| a.0.cmp(b.0));
    for (prefix, uri) in render {
        if prefix.is_empty() {
            out.extend_from_slice(b" xmlns=\"");
        } else {
            out.extend_from_slice(b" xmlns:");
            out.extend_from_slice(prefix.as_bytes());
            out.extend_from_slice(b"=\"");
        }
        escape_attr(uri, out);
        out.push(b'"');
    }

    // Attributes, by namespace URI then local name.
    let text = node.document().input_text();
    let mut attrs = Vec::new();
    for a in node.attributes() {
        if a.namespace() == Some(XML_NS) {
            return Err(Error::Unsupported("xml:* attribute"));
        }
        let name = text
            .get(a.range_qname())
            .ok_or(Error::Structure("attribute outside its text"))?;
        attrs.push((a.namespace().unwrap_or(""), a.name(), name, a.value()));
    }
    attrs.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    for (_, _, name, value) in attrs {
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_attr(value, out);
        out.push(b'"');
    }
    out.push(b'>');
    Ok(())
}

fn escape_text(s: &str, out: &mut Vec<u8>) {
    for c in s.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\r' => out.extend_from_slice(b"&#xD;"),
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

fn escape_attr(s: &str, out: &mut Vec<u8>) {
    for c in s.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            '\t' => out.extend_from_slice(b"&#x9;"),
            '\n' => out.extend_from_slice(b"&#xA;"),
            '\r' => out.extend_from_slice(b"&#xD;"),
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        String::from_utf8(canonicalize(doc.root_element(), None).unwrap()).unwrap()
    }

    #[test]
    fn the_c14n_specs_examples_that_rims_use() {
        // Attribute order, namespace order, superfluous declarations, empty elements, escaping
        // (W3C C14N 1.1 §3.3 and §3.4, reduced to what has no DTD).
        assert_eq!(
            c14n(
                r#"<doc xmlns:b="http://www.ietf.org" xmlns:a="http://www.w3.org" xmlns="http://example.org"><e3   name = "elem3"   id="elem3"   /><e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm" xmlns:b="http://www.ietf.org" xmlns:a="http://www.w3.org" xmlns="http://example.org"/></doc>"#
            ),
            r#"<doc xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org"><e3 id="elem3" name="elem3"></e3><e5 attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5></doc>"#
        );
        assert_eq!(
            c14n(
                "<doc>\r\n<t a=\"tab\tnl&#xA;&amp;&lt;&quot;\">x &amp; y &lt; z &gt; w\r\n</t></doc>"
            ),
            // A literal tab in an attribute is normalised to a space by the parser (XML 1.0
            // §3.3.3); a character reference survives and is escaped.
            "<doc>\n<t a=\"tab nl&#xA;&amp;&lt;&quot;\">x &amp; y &lt; z &gt; w\n</t></doc>"
        );
        assert_eq!(c14n("<a><!-- gone --><b/></a>"), "<a><b></b></a>");
    }

    #[test]
    fn a_subtree_apex_carries_its_ancestors_namespaces() {
        let doc = roxmltree::Document::parse(
            r#"<r xmlns="urn:d" xmlns:x="urn:x"><s xmlns:y="urn:y"><x:t/></s><u xmlns:z="urn:z"/></r>"#,
        )
        .unwrap();
        let s = doc.root_element().first_element_child().unwrap();
        let out = String::from_utf8(canonicalize(s, None).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<s xmlns="urn:d" xmlns:x="urn:x" xmlns:y="urn:y"><x:t></x:t></s>"#
        );
        let whole = canonicalize(doc.root_element(), Some(s.id())).unwrap();
        assert_eq!(
            String::from_utf8(whole).unwrap(),
            r#"<r xmlns="urn:d" xmlns:x="urn:x"><u xmlns:z="urn:z"></u></r>"#
        );
    }

    #[test]
    fn processing_instructions_and_xml_attributes_are_refused() {
        let doc = roxmltree::Document::parse("<a><?pi x?></a>").unwrap();
        assert_eq!(
            canonicalize(doc.root_element(), None),
            Err(Error::Unsupported("processing instruction"))
        );
        let doc = roxmltree::Document::parse(r#"<a xml:lang="en"/>"#).unwrap();
        assert_eq!(
            canonicalize(doc.root_element(), None),
            Err(Error::Unsupported("xml:* attribute"))
        );
    }
}
