//! Test forge (feature `testkit`, never in default builds): a test PKI shaped like NVIDIA's and
//! SPDM evidence signed with its keys, with a chosen nonce, measurements and opaque fields.
//!
//! Other crates' tests need evidence a real GPU cannot give them (a session nonce bound to their
//! chain, a miner and an epoch). Everything here is deterministic (keys derive from a seed,
//! signatures are RFC 6979) and is accepted only when [`TestPki::anchor`] is passed as the trust
//! anchor: under NVIDIA's root it fails with [`crate::Error::UntrustedRoot`].
//!
//! One file over ~500 lines on purpose: the PKI, the certificate writer and the evidence writer
//! are one forge that must produce exactly what the verifier reads; kept together, a change to
//! one shows next to the others.
// Test tooling over inputs it makes itself: an impossible failure may panic.
#![allow(
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use p384::ecdsa::signature::Signer;
use p384::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha384};

use crate::cert::{KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN};
use crate::der::oid;
use crate::{Architecture, TrustAnchor, UnixTime};

/// January 1st, 2024: the default start of every forged certificate's validity.
pub const DEFAULT_NOT_BEFORE: UnixTime = UnixTime(1_704_067_200);
/// December 31st, 9999 23:59:59: the default end, as on NVIDIA's device certificates.
pub const DEFAULT_NOT_AFTER: UnixTime = UnixTime(253_402_300_799);

/// What to forge.
#[derive(Clone, Debug)]
pub struct ForgeOptions {
    /// Device family: sets the certificate names (GH100, GB100, LS_10) and the FWID encoding.
    pub architecture: Architecture,
    /// Which device of the family (its keys and PDI derive from this).
    pub device: u32,
    /// The request nonce.
    pub nonce: [u8; 32],
    /// Measurement values, one block each, indices 1.. in order.
    pub measurements: Vec<[u8; 48]>,
    /// Driver version text (`None`: field absent, as on NVSwitches).
    pub driver_version: Option<String>,
    /// The 8-byte VBIOS field (formatted as bytes 3.2.1.0.4).
    pub vbios: [u8; 8],
    /// The FWID the evidence reports (`None`: field absent).
    pub evidence_fwid: Option<[u8; 48]>,
    /// The FWID the leaf certificate carries (`None`: no FWID extension).
    pub certificate_fwid: Option<[u8; 48]>,
    /// NVDEC0 status byte (0x55 disabled, 0xAA enabled).
    pub nvdec0: u8,
    /// Opaque-data version field (`None`: absent).
    pub opaque_data_version: Option<u16>,
    /// Feature flag (0 SPT, 1 MPT, 2 PPCIe; `None`: absent).
    pub feature_flag: Option<u16>,
    /// Further opaque fields, appended as given.
    pub extra_opaque: Vec<(u16, Vec<u8>)>,
    /// Validity start of the device certificates (leaf and device identity).
    pub not_before: UnixTime,
    /// Validity end of the device certificates.
    pub not_after: UnixTime,
    /// Key usage bits of the leaf (default digitalSignature).
    pub leaf_key_usage: u16,
    /// Key usage bits of the CA certificates (default keyCertSign).
    pub ca_key_usage: u16,
    /// The die named in the certificates instead of the family's data-centre one (e.g. `GB202`
    /// for a workstation Blackwell part); `None`: GH100, GB100 or LS_10.
    pub chip: Option<&'static str>,
}

impl ForgeOptions {
    /// A Hopper-like device answering `nonce`, with 64 distinct measurements and a matching FWID.
    pub fn new(architecture: Architecture, nonce: [u8; 32]) -> ForgeOptions {
        let fwid = digest48(b"aimine testkit fwid", &[0]);
        let (count, driver) = match architecture {
            Architecture::Ls10 => (31u8, None),
            _ => (64u8, Some(String::from("550.90.07"))),
        };
        ForgeOptions {
            architecture,
            device: 1,
            nonce,
            measurements: (1..=count)
                .map(|i| digest48(b"aimine testkit measurement", &[i]))
                .collect(),
            driver_version: driver,
            vbios: [0x00, 0x9F, 0x00, 0x96, 0x01, 0, 0, 0],
            evidence_fwid: Some(fwid),
            certificate_fwid: Some(fwid),
            nvdec0: 0x55,
            opaque_data_version: Some(1),
            feature_flag: Some(0),
            extra_opaque: Vec::new(),
            not_before: DEFAULT_NOT_BEFORE,
            not_after: DEFAULT_NOT_AFTER,
            leaf_key_usage: KU_DIGITAL_SIGNATURE,
            ca_key_usage: KU_KEY_CERT_SIGN,
            chip: None,
        }
    }
}

/// A forged device: its evidence and its chain (DER, leaf first, the root's copy last).
#[derive(Clone, Debug)]
pub struct ForgedDevice {
    /// Raw SPDM evidence.
    pub evidence: Vec<u8>,
    /// Leaf, device identity, provisioner CA, family CA, root.
    pub chain: Vec<Vec<u8>>,
}

impl ForgedDevice {
    /// The chain as slices, as the verifier takes it.
    pub fn chain_refs(&self) -> Vec<&[u8]> {
        self.chain.iter().map(Vec::as_slice).collect()
    }
}

/// A test root and the keys below it, all derived from a seed.
#[derive(Clone, Debug)]
pub struct TestPki {
    seed: [u8; 32],
    root_key: SigningKey,
    root_der: Vec<u8>,
    root_subject: Vec<u8>,
    root_point: Vec<u8>,
}

impl TestPki {
    /// A test PKI from `seed`; different seeds give unrelated roots.
    pub fn new(seed: [u8; 32]) -> TestPki {
        let root_key = key(&seed, b"root", 0);
        let root_subject = name("aimine TEST Device Identity CA", None);
        let root_point = point(&root_key);
        let root_der = certificate(CertSpec {
            serial: &[0x01],
            issuer: &root_subject,
            subject: &root_subject,
            not_before: DEFAULT_NOT_BEFORE,
            not_after: DEFAULT_NOT_AFTER,
            public_point: &root_point,
            ca: true,
            key_usage: KU_KEY_CERT_SIGN,
            fwid_ext: None,
            signer: &root_key,
        });
        TestPki {
            seed,
            root_key,
            root_der,
            root_subject,
            root_point,
        }
    }

    /// The trust anchor to pass to the verifier for evidence forged here.
    pub fn anchor(&self) -> TrustAnchor<'_> {
        TrustAnchor {
            subject: &self.root_subject,
            public_key: &self.root_point,
        }
    }

    /// The root certificate, DER.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// Forges a device's chain and evidence.
    pub fn forge(&self, o: &ForgeOptions) -> ForgedDevice {
        let family = o.chip.unwrap_or(match o.architecture {
            Architecture::Hopper => "GH100",
            Architecture::Blackwell => "GB100",
            Architecture::Ls10 => "LS_10",
        });
        let family_key = key(&self.seed, family.as_bytes(), 0);
        let prov_key = key(&self.seed, family.as_bytes(), 1);
        let device_key = key(&self.seed, family.as_bytes(), 2 + 2 * u64::from(o.device));
        let leaf_key = key(&self.seed, family.as_bytes(), 3 + 2 * u64::from(o.device));

        let family_name = name(&alloc::format!("aimine TEST {family} Identity"), None);
        let prov_name = name(
            &alloc::format!("aimine TEST {family} Provisioner ICA"),
            None,
        );
        let mut pdi = [0u8; 8];
        pdi.copy_from_slice(&digest48(b"aimine testkit pdi", &o.device.to_be_bytes())[..8]);
        let mut device_serial = vec![if o.architecture == Architecture::Ls10 {
            0x50
        } else {
            0x41
        }];
        device_serial.extend_from_slice(&pdi);
        let unit = if o.architecture == Architecture::Ls10 {
            "FSP"
        } else {
            "GSP"
        };
        let device_name = name(
            &alloc::format!("{family} A01 {unit} BROM"),
            Some(&device_serial),
        );
        let leaf_serial = &digest48(b"aimine testkit leaf serial", &o.device.to_be_bytes())[..20];
        let mut leaf_serial = leaf_serial.to_vec();
        leaf_serial[0] &= 0x7F;
        let leaf_name = name(
            &alloc::format!("{family} A01 {unit} FMC LF"),
            Some(&leaf_serial),
        );

        let family_der = certificate(CertSpec {
            serial: &[0x02],
            issuer: &self.root_subject,
            subject: &family_name,
            not_before: DEFAULT_NOT_BEFORE,
            not_after: DEFAULT_NOT_AFTER,
            public_point: &point(&family_key),
            ca: true,
            key_usage: o.ca_key_usage,
            fwid_ext: None,
            signer: &self.root_key,
        });
        let prov_der = certificate(CertSpec {
            serial: &[0x03],
            issuer: &family_name,
            subject: &prov_name,
            not_before: DEFAULT_NOT_BEFORE,
            not_after: DEFAULT_NOT_AFTER,
            public_point: &point(&prov_key),
            ca: true,
            key_usage: o.ca_key_usage,
            fwid_ext: None,
            signer: &family_key,
        });
        let device_der = certificate(CertSpec {
            serial: &device_serial,
            issuer: &prov_name,
            subject: &device_name,
            not_before: o.not_before,
            not_after: o.not_after,
            public_point: &point(&device_key),
            ca: true,
            key_usage: o.ca_key_usage,
            fwid_ext: None,
            signer: &prov_key,
        });
        let fwid_ext = o
            .certificate_fwid
            .map(|f| fwid_extension(o.architecture, &f, &point(&leaf_key)));
        let leaf_der = certificate(CertSpec {
            serial: &leaf_serial,
            issuer: &device_name,
            subject: &leaf_name,
            not_before: o.not_before,
            not_after: o.not_after,
            public_point: &point(&leaf_key),
            ca: false,
            key_usage: o.leaf_key_usage,
            fwid_ext: fwid_ext.as_deref(),
            signer: &device_key,
        });
        ForgedDevice {
            evidence: evidence(o, &leaf_key),
            chain: vec![
                leaf_der,
                device_der,
                prov_der,
                family_der,
                self.root_der.clone(),
            ],
        }
    }
}

/// A SHA-384 digest of a label and some bytes (measurements, FWIDs, PDIs).
pub fn digest48(label: &[u8], data: &[u8]) -> [u8; 48] {
    let mut h = Sha384::new();
    h.update(label);
    h.update(data);
    h.finalize().into()
}

/// Builds and signs the evidence.
fn evidence(o: &ForgeOptions, leaf_key: &SigningKey) -> Vec<u8> {
    let mut e = vec![0x11, 0xE0, 0x01, 0xFF];
    e.extend_from_slice(&o.nonce);
    e.push(0x00);
    let mut record = Vec::new();
    for (i, m) in o.measurements.iter().enumerate() {
        record.push(u8::try_from(i + 1).expect("at most 255 blocks"));
        record.push(0x01);
        record.extend_from_slice(&51u16.to_le_bytes());
        record.push(0x01);
        record.extend_from_slice(&48u16.to_le_bytes());
        record.extend_from_slice(m);
    }
    let mut opaque = Vec::new();
    let mut field = |t: u16, v: &[u8]| {
        opaque.extend_from_slice(&t.to_le_bytes());
        opaque.extend_from_slice(&u16::try_from(v.len()).expect("small field").to_le_bytes());
        opaque.extend_from_slice(v);
    };
    field(6, &o.vbios);
    field(15, b"882\0");
    field(17, b"1010\0");
    field(18, b"0200\0");
    if let Some(d) = &o.driver_version {
        let mut v = d.as_bytes().to_vec();
        v.push(0);
        field(3, &v);
    }
    field(11, &[o.nvdec0]);
    if let Some(f) = &o.evidence_fwid {
        field(20, f);
    }
    if let Some(v) = o.opaque_data_version {
        field(34, &v.to_le_bytes());
    }
    if let Some(v) = o.feature_flag {
        field(36, &v.to_le_bytes());
    }
    for (t, v) in &o.extra_opaque {
        field(*t, v);
    }
    e.extend_from_slice(&[0x11, 0x60, 0x00, 0x00]);
    e.push(u8::try_from(o.measurements.len()).expect("at most 255 blocks"));
    e.extend_from_slice(&u32::try_from(record.len()).expect("small").to_le_bytes()[..3]);
    e.extend_from_slice(&record);
    e.extend_from_slice(&digest48(b"aimine testkit responder nonce", &o.nonce)[..32]);
    e.extend_from_slice(&u16::try_from(opaque.len()).expect("small").to_le_bytes());
    e.extend_from_slice(&opaque);
    let sig: Signature = leaf_key.sign(&e);
    e.extend_from_slice(&sig.to_bytes());
    e
}

/// A deterministic P-384 key for (seed, label, n).
fn key(seed: &[u8; 32], label: &[u8], n: u64) -> SigningKey {
    let mut counter = 0u8;
    loop {
        let mut h = Sha384::new();
        h.update(b"aimine testkit key");
        h.update(seed);
        h.update(label);
        h.update(n.to_be_bytes());
        h.update([counter]);
        if let Ok(k) = SigningKey::from_slice(&h.finalize()) {
            return k;
        }
        counter = counter.wrapping_add(1);
    }
}

fn point(key: &SigningKey) -> Vec<u8> {
    key.verifying_key().to_sec1_point(false).as_bytes().to_vec()
}

struct CertSpec<'a> {
    serial: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    not_before: UnixTime,
    not_after: UnixTime,
    public_point: &'a [u8],
    ca: bool,
    key_usage: u16,
    fwid_ext: Option<&'a [u8]>,
    signer: &'a SigningKey,
}

fn certificate(c: CertSpec<'_>) -> Vec<u8> {
    let alg = tlv(0x30, &tlv(0x06, oid::ECDSA_WITH_SHA384));
    let mut exts = Vec::new();
    if c.ca {
        exts.extend(extension(
            oid::BASIC_CONSTRAINTS,
            true,
            &tlv(0x30, &tlv(0x01, &[0xFF])),
        ));
    }
    exts.extend(extension(
        oid::KEY_USAGE,
        true,
        &key_usage_bits(c.key_usage),
    ));
    if let Some(f) = c.fwid_ext {
        exts.extend_from_slice(f);
    }
    let tbs = tlv(
        0x30,
        &[
            tlv(0xA0, &tlv(0x02, &[0x02])),
            tlv(0x02, c.serial),
            alg.clone(),
            c.issuer.to_vec(),
            tlv(0x30, &[time(c.not_before), time(c.not_after)].concat()),
            c.subject.to_vec(),
            spki(c.public_point),
            tlv(0xA3, &tlv(0x30, &exts)),
        ]
        .concat(),
    );
    let sig: Signature = c.signer.sign(&tbs);
    let sig_der = sig.to_der();
    let mut bits = vec![0x00];
    bits.extend_from_slice(sig_der.as_bytes());
    tlv(0x30, &[tbs, alg, tlv(0x03, &bits)].concat())
}

fn spki(point: &[u8]) -> Vec<u8> {
    let alg = tlv(
        0x30,
        &[tlv(0x06, oid::EC_PUBLIC_KEY), tlv(0x06, oid::SECP384R1)].concat(),
    );
    let mut bits = vec![0x00];
    bits.extend_from_slice(point);
    tlv(0x30, &[alg, tlv(0x03, &bits)].concat())
}

fn extension(id: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut body = tlv(0x06, id);
    if critical {
        body.extend(tlv(0x01, &[0xFF]));
    }
    body.extend(tlv(0x04, value));
    tlv(0x30, &body)
}

/// The FWID extension as NVIDIA encodes it for the family.
fn fwid_extension(arch: Architecture, fwid: &[u8; 48], leaf_point: &[u8]) -> Vec<u8> {
    let fwid_seq = tlv(0x30, &[tlv(0x06, oid::SHA384), tlv(0x04, fwid)].concat());
    match arch {
        Architecture::Blackwell => {
            // DiceTcbInfo: vendor [0], model [1], fwids [6] (first = the FWID).
            let info = [
                tlv(0x80, b"NVIDIA"),
                tlv(0x81, b"GB100 A01 GSP"),
                tlv(
                    0xA6,
                    &[
                        fwid_seq.clone(),
                        tlv(
                            0x30,
                            &[tlv(0x06, oid::SHA384), tlv(0x04, &[0; 48])].concat(),
                        ),
                    ]
                    .concat(),
                ),
            ]
            .concat();
            extension(oid::DICE_TCB_INFO, false, &tlv(0x30, &info))
        }
        _ => {
            let body = [tlv(0x02, &[0x01]), spki(leaf_point), fwid_seq].concat();
            extension(oid::NVIDIA_FWID, false, &tlv(0x30, &body))
        }
    }
}

fn key_usage_bits(bits: u16) -> Vec<u8> {
    // Bit i of `bits` is bit i of the BIT STRING, numbered from the most significant bit.
    let mut bytes = [0u8; 2];
    for i in 0..16u16 {
        if bits & (1 << i) != 0 {
            bytes[usize::from(i / 8)] |= 0x80 >> (i % 8);
        }
    }
    let used = if bytes[1] != 0 { 2 } else { 1 };
    let last = bytes[used - 1];
    let unused = if last == 0 {
        0
    } else {
        last.trailing_zeros() as u8
    };
    let mut v = vec![unused];
    v.extend_from_slice(&bytes[..used]);
    tlv(0x03, &v)
}

/// A Name: CN (and serialNumber first, for device certificates), O.
fn name(cn: &str, serial: Option<&[u8]>) -> Vec<u8> {
    let attr = |id: &[u8], tag: u8, value: &[u8]| {
        tlv(0x31, &tlv(0x30, &[tlv(0x06, id), tlv(tag, value)].concat()))
    };
    let mut rdns = Vec::new();
    if let Some(s) = serial {
        let text: String = s.iter().map(|b| alloc::format!("{b:02X}")).collect();
        rdns.extend(attr(&[0x55, 0x04, 0x05], 0x13, text.as_bytes()));
    }
    rdns.extend(attr(&[0x55, 0x04, 0x0A], 0x0C, b"aimine test"));
    rdns.extend(attr(oid::COMMON_NAME, 0x0C, cn.as_bytes()));
    tlv(0x30, &rdns)
}

/// UTCTime before 2050, GeneralizedTime from then on (RFC 5280).
fn time(t: UnixTime) -> Vec<u8> {
    let (y, m, d, hh, mm, ss) = t.to_civil();
    let hms = alloc::format!("{hh:02}{mm:02}{ss:02}Z");
    if (1950..2050).contains(&y) {
        tlv(
            0x17,
            alloc::format!("{:02}{m:02}{d:02}{hms}", y % 100).as_bytes(),
        )
    } else {
        tlv(0x18, alloc::format!("{y:04}{m:02}{d:02}{hms}").as_bytes())
    }
}

/// A DER TLV with a definite, minimal length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).expect("short"));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).expect("few bytes"));
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}
