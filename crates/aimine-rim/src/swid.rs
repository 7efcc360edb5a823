//! The SWID tag (ISO/IEC 19770-2:2015) of a RIM: its version and its measurement resources.

use roxmltree::{Document, Node};

use crate::Error;

/// The SWID namespace.
pub(crate) const SWID_NS: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
/// The namespace of the `HashN` attributes (SHA-384 values).
pub(crate) const SHA384_NS: &str = "http://www.w3.org/2001/04/xmlenc#sha384";
/// Most `Resource` entries a RIM may have.
pub(crate) const MAX_RESOURCES: usize = 256;
/// Most alternatives one measurement may have.
pub(crate) const MAX_ALTERNATIVES: usize = 16;

/// One measurement resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measurement {
    /// 0-based index (SPDM measurement block index − 1).
    pub index: u8,
    /// Whether it must be matched.
    pub active: bool,
    /// The allowed SHA-384 values (`Hash0..HashN`).
    pub alternatives: Vec<[u8; 48]>,
    /// Its `name`.
    pub name: String,
}

/// What a RIM says, once parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rim {
    /// `SoftwareIdentity/@name` (e.g. "GH100", "LS10").
    pub name: String,
    /// `SoftwareIdentity/@tagId`.
    pub tag_id: String,
    /// `Meta/@colloquialVersion`: the driver version, or the formatted VBIOS version.
    pub version: String,
    /// `Meta/@edition` ("GPU", "SWITCH").
    pub edition: String,
    /// `Meta/@product`.
    pub product: String,
    /// The measurement resources, in document order.
    pub measurements: Vec<Measurement>,
}

impl Rim {
    /// The active measurements.
    pub fn active(&self) -> impl Iterator<Item = &Measurement> {
        self.measurements.iter().filter(|m| m.active)
    }
}

fn swid_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| {
        c.is_element() && c.tag_name().namespace() == Some(SWID_NS) && c.tag_name().name() == name
    })
}

fn attr(node: Node<'_, '_>, name: &'static str) -> Result<String, Error> {
    node.attribute(name)
        .map(str::to_string)
        .ok_or(Error::Structure(name))
}

/// Reads the SWID content of a parsed RIM.
///
/// # Errors
/// [`Error::Structure`] naming what is missing or malformed.
pub(crate) fn parse(doc: &Document<'_>) -> Result<Rim, Error> {
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(SWID_NS) || root.tag_name().name() != "SoftwareIdentity"
    {
        return Err(Error::Structure("SoftwareIdentity"));
    }
    let meta = swid_child(root, "Meta").ok_or(Error::Structure("Meta"))?;
    let payload = swid_child(root, "Payload").ok_or(Error::Structure("Payload"))?;
    let mut measurements: Vec<Measurement> = Vec::new();
    for r in payload.children().filter(|c| c.is_element()) {
        if r.tag_name().namespace() != Some(SWID_NS) || r.tag_name().name() != "Resource" {
            return Err(Error::Structure("Payload holds only Resource elements"));
        }
        if r.attribute("type") != Some("Measurement") {
            continue;
        }
        if measurements.len() >= MAX_RESOURCES {
            return Err(Error::Structure("too many Resource elements"));
        }
        let index: u8 = r
            .attribute("index")
            .and_then(|v| v.parse().ok())
            .ok_or(Error::Structure("Resource/@index"))?;
        if measurements.iter().any(|m| m.index == index) {
            return Err(Error::Structure("Resource/@index repeated"));
        }
        let active = match r.attribute("active") {
            Some("True" | "true") => true,
            Some("False" | "false") => false,
            _ => return Err(Error::Structure("Resource/@active")),
        };
        let count: usize = r
            .attribute("alternatives")
            .and_then(|v| v.parse().ok())
            .filter(|n| (1..=MAX_ALTERNATIVES).contains(n))
            .ok_or(Error::Structure("Resource/@alternatives"))?;
        if r.attribute("size").is_some_and(|s| s != "48") {
            return Err(Error::Structure("Resource/@size is not 48"));
        }
        let mut alternatives = Vec::with_capacity(count);
        for i in 0..count {
            let name = format!("Hash{i}");
            let value = r
                .attributes()
                .find(|a| a.namespace() == Some(SHA384_NS) && a.name() == name)
                .map(|a| a.value())
                .ok_or(Error::Structure("Resource/@HashN"))?;
            let mut digest = [0u8; 48];
            hex::decode_to_slice(value, &mut digest)
                .map_err(|_| Error::Structure("Resource/@HashN is not 48 bytes of hex"))?;
            alternatives.push(digest);
        }
        measurements.push(Measurement {
            index,
            active,
            alternatives,
            name: r.attribute("name").unwrap_or_default().to_string(),
        });
    }
    Ok(Rim {
        name: attr(root, "name")?,
        tag_id: attr(root, "tagId")?,
        version: attr(meta, "colloquialVersion")?,
        edition: meta.attribute("edition").unwrap_or_default().to_string(),
        product: meta.attribute("product").unwrap_or_default().to_string(),
        measurements,
    })
}
