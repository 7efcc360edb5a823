//! Every kind round-trips through the one decoder; the decoder is strict
//! (every truncation and every trailing byte refused, bad tags and counts named).
use aimine_envelope::{
    Cpu, Envelope, Error, IntelCollateral, Kind, decode, decode_gpu, encode_composite, encode_gpu,
    encode_intel, encode_sev_snp,
};
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};

fn gpu_envelope_with(seed: u8) -> Vec<u8> {
    let pki = TestPki::new([seed; 32]);
    let device = pki.forge(&ForgeOptions::new(
        aimine_nvtrust::Architecture::Hopper,
        [seed; 32],
    ));
    encode_gpu(&device.evidence, &device.chain_refs()).unwrap()
}

fn gpu_envelope() -> Vec<u8> {
    gpu_envelope_with(0x11)
}

fn collateral() -> IntelCollateral<'static> {
    IntelCollateral {
        pck_crl_issuer_chain: b"pem-a",
        root_ca_crl: b"\x30\x01",
        pck_crl: b"\x30\x02",
        tcb_info_issuer_chain: b"pem-b",
        tcb_info: b"{\"tcbInfo\":1}",
        tcb_info_signature: &[7; 64],
        qe_identity_issuer_chain: b"pem-c",
        qe_identity: b"{\"qe\":2}",
        qe_identity_signature: &[9; 64],
    }
}

/// Every strict prefix fails, and one more byte fails.
fn strict(bytes: &[u8]) {
    for len in 0..bytes.len() {
        assert!(
            decode(&bytes[..len]).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    let mut long = bytes.to_vec();
    long.push(0);
    assert!(decode(&long).is_err());
}

#[test]
fn the_gpu_kind_round_trips_and_decode_gpu_refuses_other_kinds() {
    let pki = TestPki::new([0x11; 32]);
    let device = pki.forge(&ForgeOptions::new(
        aimine_nvtrust::Architecture::Hopper,
        [0x11; 32],
    ));
    let env = gpu_envelope();
    assert_eq!(env[5], Kind::Gpu.as_u8());
    let Envelope::Gpu(q) = decode(&env).unwrap() else {
        panic!("not a GPU envelope")
    };
    assert_eq!(q.evidence, device.evidence.as_slice());
    assert_eq!(q.chain.as_slice(), device.chain_refs().as_slice());
    assert_eq!(q, decode_gpu(&env).unwrap());
    strict(&env);
    let cpu = encode_sev_snp(&[0; 1184], &[]).unwrap();
    assert_eq!(
        decode_gpu(&cpu),
        Err(Error::WrongKind {
            expected: Kind::Gpu,
            found: Kind::SevSnp
        })
    );
}

#[test]
fn intel_round_trips_with_and_without_collateral() {
    let quote = [0xAB; 700];
    let c = collateral();
    let inline = encode_intel(Kind::Tdx, &quote, Some(&c)).unwrap();
    assert_eq!(inline[5], Kind::Tdx.as_u8());
    let Envelope::Cpu(Cpu::Intel {
        kind,
        quote: q,
        collateral: Some(got),
    }) = decode(&inline).unwrap()
    else {
        panic!("not an Intel envelope")
    };
    assert_eq!(kind, Kind::Tdx);
    assert_eq!((q, got), (&quote[..], c));
    strict(&inline);
    let stored = encode_intel(Kind::Sgx, &quote, None).unwrap();
    assert_eq!(stored.len(), 6 + 4 + 700 + 1);
    assert!(matches!(
        decode(&stored).unwrap(),
        Envelope::Cpu(Cpu::Intel {
            kind: Kind::Sgx,
            collateral: None,
            ..
        })
    ));
    let mut bad = stored.clone();
    *bad.last_mut().unwrap() = 7;
    assert_eq!(decode(&bad).unwrap_err(), Error::BadCollateralTag(7));
    assert!(encode_intel(Kind::Tdx, &[0; 16 * 1024 + 1], None).is_err());
    assert_eq!(
        encode_intel(Kind::SevSnp, &quote, None),
        Err(Error::BadPartKind(Kind::SevSnp))
    );
}

#[test]
fn sev_snp_round_trips_with_zero_to_three_certificates() {
    let report = [0x5A; 1184];
    for n in 0..=3 {
        let certs: Vec<&[u8]> = [&b"vcek"[..], b"ask", b"ark"][..n].to_vec();
        let env = encode_sev_snp(&report, &certs).unwrap();
        assert_eq!(env[5], Kind::SevSnp.as_u8());
        let Envelope::Cpu(Cpu::SevSnp {
            report: r,
            certs: got,
        }) = decode(&env).unwrap()
        else {
            panic!("not SEV-SNP")
        };
        assert_eq!(r, &report[..]);
        assert_eq!(got.as_slice(), certs.as_slice());
        strict(&env);
    }
    let mut four = encode_sev_snp(&report, &[]).unwrap();
    *four.last_mut().unwrap() = 4;
    assert_eq!(decode(&four).unwrap_err(), Error::BadSevCertificate);
    assert!(encode_sev_snp(&report[..1183], &[]).is_err());
}

#[test]
fn composite_holds_one_cpu_and_its_gpus_in_order() {
    let cpu = encode_sev_snp(&[1; 1184], &[b"vcek"]).unwrap();
    let g1 = gpu_envelope();
    let g2 = gpu_envelope_with(0x12);
    let env = encode_composite(&cpu, &[&g1, &g2]).unwrap();
    assert_eq!(env[5], Kind::Composite.as_u8());
    let Envelope::Composite { cpu: c, gpus } = decode(&env).unwrap() else {
        panic!("not composite")
    };
    assert_eq!(c.kind(), Kind::SevSnp);
    assert_eq!(gpus.len(), 2);
    assert_eq!(gpus[0], decode_gpu(&g1).unwrap());
    assert_eq!(gpus[1], decode_gpu(&g2).unwrap());
    strict(&env);
    // The CPU must come first; GPUs only after; no composite inside a composite; 1 to 8 GPUs.
    let swapped = encode_composite(&g1, &[&cpu]).unwrap();
    assert_eq!(decode(&swapped).unwrap_err(), Error::BadPartKind(Kind::Gpu));
    let cpu_as_gpu = encode_composite(&cpu, &[&cpu]).unwrap();
    assert_eq!(
        decode(&cpu_as_gpu).unwrap_err(),
        Error::BadPartKind(Kind::SevSnp)
    );
    let nested = encode_composite(&env, &[&g1]).unwrap();
    assert_eq!(
        decode(&nested).unwrap_err(),
        Error::BadPartKind(Kind::Composite)
    );
    assert!(encode_composite(&cpu, &[]).is_err());
    assert!(encode_composite(&cpu, &[&g1[..]; 9]).is_err());
    let mut nine = encode_composite(&cpu, &[&g1[..]; 8]).unwrap();
    nine[6] = 10;
    assert_eq!(decode(&nine).unwrap_err(), Error::BadPartCount(10));
}

#[test]
fn unknown_kinds_and_versions_are_refused() {
    let mut env = encode_sev_snp(&[0; 1184], &[]).unwrap();
    env[5] = 6;
    assert_eq!(decode(&env).unwrap_err(), Error::UnsupportedKind(6));
    // Kind 0 is a stake's: it has no envelope.
    env[5] = 0;
    assert_eq!(decode(&env).unwrap_err(), Error::UnsupportedKind(0));
    env[4] = 2;
    assert_eq!(decode(&env).unwrap_err(), Error::UnsupportedVersion(2));
    assert_eq!(decode(b"AIMX"), Err(Error::BadMagic));
    assert_eq!(decode(b"AIM"), Err(Error::BadMagic));
    // A broken header inside a composite is named as in a whole envelope.
    let cpu = encode_sev_snp(&[1; 1184], &[]).unwrap();
    let mut g = gpu_envelope();
    g[4] = 9;
    assert_eq!(
        decode(&encode_composite(&cpu, &[&g]).unwrap()),
        Err(Error::UnsupportedVersion(9))
    );
}
