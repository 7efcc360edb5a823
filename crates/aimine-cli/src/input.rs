//! Reading byte arguments: hex on the command line, or `@path` to a file of hex or raw bytes.

use crate::CliError;

/// The bytes an argument stands for.
///
/// - `@path`: the file's contents; when they are (after trimming white space and an optional `0x`)
///   an even number of hex digits they are decoded as hex, otherwise taken as raw bytes.
/// - anything else: hex, with an optional `0x` prefix. The empty string is zero bytes.
pub fn bytes(what: &str, arg: &str) -> Result<Vec<u8>, CliError> {
    match arg.strip_prefix('@') {
        Some(path) => {
            let raw = std::fs::read(path).map_err(|e| format!("--{what}: reading {path}: {e}"))?;
            Ok(decode_hex_text(&raw).unwrap_or(raw))
        }
        None => decode_hex_text(arg.as_bytes())
            .ok_or_else(|| format!("--{what}: not hex (use @FILE for a file)")),
    }
}

/// Exactly `N` bytes, or a usage error naming the argument.
pub fn array<const N: usize>(what: &str, arg: &str) -> Result<[u8; N], CliError> {
    let v = bytes(what, arg)?;
    let len = v.len();
    v.try_into()
        .map_err(|_| format!("--{what}: {len} bytes, expected {N}"))
}

/// Hex text (white space around it and a `0x` prefix allowed) decoded, or `None` if it is not hex.
fn decode_hex_text(raw: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let text = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    hex::decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_arguments() {
        assert_eq!(bytes("pk", "00ff"), Ok(vec![0, 255]));
        assert_eq!(bytes("pk", "0xABcd"), Ok(vec![0xab, 0xcd]));
        assert_eq!(bytes("pk", ""), Ok(vec![]));
        assert!(bytes("pk", "abc").is_err());
        assert!(bytes("pk", "zz").is_err());
    }

    #[test]
    fn files_hold_hex_or_raw_bytes() {
        let dir = std::env::temp_dir().join(format!("aimine-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let hex_file = dir.join("a.hex");
        let raw_file = dir.join("a.bin");
        std::fs::write(&hex_file, "0x0102\n").unwrap();
        std::fs::write(&raw_file, [0xffu8, 0x00, 0x10]).unwrap();
        assert_eq!(
            bytes("msg", &format!("@{}", hex_file.display())),
            Ok(vec![1, 2])
        );
        assert_eq!(
            bytes("msg", &format!("@{}", raw_file.display())),
            Ok(vec![0xff, 0, 0x10])
        );
        let missing = bytes("msg", "@/nonexistent/aimine");
        assert!(missing.is_err_and(|e| e.starts_with("--msg: reading /nonexistent/aimine")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn arrays_check_their_length() {
        assert_eq!(array::<2>("seed", "0102"), Ok([1, 2]));
        assert_eq!(
            array::<3>("seed", "0102"),
            Err("--seed: 2 bytes, expected 3".to_string())
        );
    }
}
