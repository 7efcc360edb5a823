//! Every implementation the tests compare, behind one signature: the shipped backend
//! (`aimine_mldsa::verify`, libcrux choosing its code at run time), the reference
//! (`aimine_mldsa::reference`, the fips204 crate), and libcrux's portable and AVX2 code called
//! directly, so that the fallback a CPU without AVX2 takes is checked on this machine too.
use aimine_mldsa::{Error, Level, MAX_CONTEXT_LEN, reference, verify, verify_any};
use libcrux_ml_dsa::{MLDSASignature, MLDSAVerificationKey, VerificationError};

/// Which of libcrux's code paths to call directly.
#[derive(Clone, Copy, Debug)]
enum Path {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

/// libcrux's verdict through one code path, or `None` when the lengths or the context are wrong
/// (aimine checks those before calling libcrux).
fn libcrux_direct(
    path: Path,
    level: Level,
    pk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    sig: &[u8],
) -> Option<Result<(), Error>> {
    macro_rules! call {
        ($module:ident) => {{
            use libcrux_ml_dsa::$module as m;
            let key = MLDSAVerificationKey::new(pk.try_into().ok()?);
            let sig = MLDSASignature::new(sig.try_into().ok()?);
            match path {
                Path::Portable => m::portable::verify(&key, msg, ctx, &sig),
                #[cfg(target_arch = "x86_64")]
                Path::Avx2 => m::avx2::verify(&key, msg, ctx, &sig),
            }
        }};
    }
    if ctx.len() > MAX_CONTEXT_LEN {
        return None;
    }
    let result = match level {
        Level::MlDsa44 => call!(ml_dsa_44),
        Level::MlDsa65 => call!(ml_dsa_65),
        Level::MlDsa87 => call!(ml_dsa_87),
    };
    Some(result.map_err(|e| {
        assert!(
            !matches!(e, VerificationError::VerificationContextTooLongError),
            "libcrux refused a context of {} bytes",
            ctx.len()
        );
        Error::SignatureRejected
    }))
}

/// Whether this CPU runs libcrux's AVX2 code (what libcrux-platform checks, less the OS bits
/// std's detection covers).
#[cfg(target_arch = "x86_64")]
pub fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("movbe")
}

/// The verdict every implementation gives on one input; panics, naming `what`, when any two
/// disagree. Both entry points (`verify` and `verify_any`) are compared where the key's length
/// names `level`.
pub fn agreed(
    what: &str,
    level: Level,
    pk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    sig: &[u8],
) -> Result<(), Error> {
    let shipped = verify(level, pk, msg, ctx, sig);
    let fips204 = reference::verify(level, pk, msg, ctx, sig);
    assert_eq!(shipped, fips204, "{what}: libcrux (shipped) vs fips204");
    let mut paths = vec![Path::Portable];
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        paths.push(Path::Avx2);
    }
    for path in paths {
        if let Some(direct) = libcrux_direct(path, level, pk, msg, ctx, sig) {
            assert_eq!(direct, shipped, "{what}: libcrux {path:?} vs shipped");
        }
    }
    if pk.len() == level.public_key_len() {
        assert_eq!(verify_any(pk, msg, ctx, sig), shipped, "{what}: verify_any");
        assert_eq!(
            reference::verify_any(pk, msg, ctx, sig),
            shipped,
            "{what}: reference::verify_any"
        );
    }
    shipped
}
