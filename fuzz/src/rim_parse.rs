//! Fuzz target `rim_parse`: the RIM reader and signature verifier on any bytes. Never panics;
//! whatever parses canonicalises; nothing but NVIDIA's genuine RIMs verifies.

/// 2025-06-11T00:30:58Z, inside the genuine RIMs' validity.
const AT: aimine_nvtrust::UnixTime = aimine_vectors::nvidia::CAPTURED_AT;

/// Runs one input.
pub fn run(data: &[u8]) {
    let parsed = aimine_rim::parse(data);
    let verified = aimine_rim::verify(data, aimine_rim::NVIDIA_RIM_ROOT_DER, AT);
    if let Ok(v) = &verified {
        assert_eq!(
            parsed.as_ref().ok(),
            Some(&v.rim),
            "a verified RIM parses to the same content"
        );
    }
    // Any well-formed document canonicalises (or is refused for a named reason) without panicking.
    if let Ok(text) = core::str::from_utf8(data)
        && let Ok(doc) = roxmltree::Document::parse(text)
    {
        let _ = aimine_rim::c14n::canonicalize(doc.root_element(), None);
    }
}
