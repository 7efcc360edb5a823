//! JSON-RPC errors with the standard codes.

use alloy_primitives::Bytes;
use jsonrpsee::types::ErrorObjectOwned;

/// An error answered to a client.
#[derive(Debug)]
pub struct RpcError {
    code: i32,
    message: String,
    data: Option<String>,
}

impl RpcError {
    /// -32602: the parameters are invalid.
    pub fn invalid_params(message: impl Into<String>) -> RpcError {
        RpcError {
            code: -32602,
            message: message.into(),
            data: None,
        }
    }

    /// -32000: the transaction is invalid (nonce too low, insufficient funds, bad signature…).
    pub fn invalid_tx(message: impl Into<String>) -> RpcError {
        RpcError {
            code: -32000,
            message: message.into(),
            data: None,
        }
    }

    /// -32603: an internal error.
    pub fn internal(message: impl Into<String>) -> RpcError {
        RpcError {
            code: -32603,
            message: message.into(),
            data: None,
        }
    }

    /// 3: execution reverted, with the revert data; an `Error(string)` revert's reason is
    /// appended to the message, as geth and anvil answer (`"execution reverted: <reason>"`).
    pub fn revert(output: Bytes) -> RpcError {
        let message = match reason(&output) {
            Some(reason) => format!("execution reverted: {reason}"),
            None => String::from("execution reverted"),
        };
        RpcError {
            code: 3,
            message,
            data: Some(output.to_string()),
        }
    }
}

/// The reason of an ABI-encoded `Error(string)` (selector `0x08c379a0`), if `output` is one
/// with a UTF-8 reason.
fn reason(output: &[u8]) -> Option<String> {
    let body = output.strip_prefix(&[0x08, 0xc3, 0x79, 0xa0])?;
    // A word of `body` at `at` that fits a usize.
    let word = |at: usize| -> Option<usize> {
        let w = body.get(at..at.checked_add(32)?)?;
        if w.get(..24)?.iter().any(|b| *b != 0) {
            return None;
        }
        let low: [u8; 8] = w.get(24..)?.try_into().ok()?;
        usize::try_from(u64::from_be_bytes(low)).ok()
    };
    let offset = word(0)?;
    let len = word(offset)?;
    let start = offset.checked_add(32)?;
    let text = body.get(start..start.checked_add(len)?)?;
    String::from_utf8(text.to_vec()).ok()
}

impl From<RpcError> for ErrorObjectOwned {
    fn from(e: RpcError) -> ErrorObjectOwned {
        ErrorObjectOwned::owned(e.code, e.message, e.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_string_reason_is_in_the_message() {
        // Error("plain: too small"), as solc encodes it.
        let mut data = vec![0x08, 0xc3, 0x79, 0xa0];
        data.extend([0u8; 31]);
        data.push(0x20);
        data.extend([0u8; 31]);
        data.push(16);
        data.extend(b"plain: too small");
        data.extend([0u8; 16]);
        let e = RpcError::revert(Bytes::from(data.clone()));
        assert_eq!(e.message, "execution reverted: plain: too small");
        assert_eq!(e.code, 3);
        // Truncated, a custom error, or empty: no reason.
        for other in [&data[..40], &[0x43, 0x65, 0xce, 0xfd, 0, 0][..], &[][..]] {
            let e = RpcError::revert(Bytes::copy_from_slice(other));
            assert_eq!(e.message, "execution reverted");
            assert_eq!(e.data, Some(Bytes::copy_from_slice(other).to_string()));
        }
    }
}
