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

    /// 3: execution reverted, with the revert data (as geth answers).
    pub fn revert(output: Bytes) -> RpcError {
        RpcError {
            code: 3,
            message: String::from("execution reverted"),
            data: Some(output.to_string()),
        }
    }
}

impl From<RpcError> for ErrorObjectOwned {
    fn from(e: RpcError) -> ErrorObjectOwned {
        ErrorObjectOwned::owned(e.code, e.message, e.data)
    }
}
