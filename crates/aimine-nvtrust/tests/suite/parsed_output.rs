//! Every field NVIDIA's own parser reports for `hopper-580.159.03` and `ls10-switch` equals ours.
use aimine_nvtrust::{Evidence, OpaqueType};
use aimine_vectors::nvidia::device;
use aimine_vectors::nvidia::{HOPPER_580, LS10};
use serde_json::{Value, json};

fn hx(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Our parse in NVIDIA's JSON shape, for the keys NVIDIA's file has.
fn compare(ev: &Evidence<'_>, resp: &Value, req: &Value, switch: bool) -> usize {
    let mut compared = 0;
    let mut eq = |key: &str, ours: Value, theirs: &Value| {
        assert_eq!(&ours, theirs, "{key}");
        compared += 1;
    };
    let raw = ev.as_bytes();
    let (rp1, rp2) = ev.request_params();
    eq("req SPDMVersion", json!("0x11"), &req["SPDMVersion"]);
    eq(
        "req RequestResponseCode",
        json!(format!("{:#04x}", raw[1])),
        &req["RequestResponseCode"],
    );
    eq("req Param1", json!(format!("{rp1:#04x}")), &req["Param1"]);
    eq("req Param2", json!(format!("{rp2:#04x}")), &req["Param2"]);
    eq("req Nonce", json!(hx(ev.nonce())), &req["Nonce"]);
    eq(
        "req SlotIDParam",
        json!(format!("{:#04x}", ev.slot_id())),
        &req["SlotIDParam"],
    );

    let (p1, p2) = ev.response_params();
    eq("SPDMVersion", json!("0x11"), &resp["SPDMVersion"]);
    eq(
        "RequestResponseCode",
        json!(format!("{:#04x}", raw[38])),
        &resp["RequestResponseCode"],
    );
    eq("Param1", json!(format!("{p1:#04x}")), &resp["Param1"]);
    eq("Param2", json!(format!("{p2:#04x}")), &resp["Param2"]);
    eq(
        "NumberOfBlocks",
        json!(ev.block_count()),
        &resp["NumberOfBlocks"],
    );
    eq(
        "MeasurementRecordLength",
        json!(ev.record_len()),
        &resp["MeasurementRecordLength"],
    );
    eq("Nonce", json!(hx(ev.responder_nonce())), &resp["Nonce"]);
    eq(
        "OpaqueLength",
        json!(ev.opaque().as_bytes().len()),
        &resp["OpaqueLength"],
    );
    eq("Signature", json!(hx(ev.signature())), &resp["Signature"]);

    let record = &resp["MeasurementRecord"];
    eq(
        "MeasurementRecord.NumberOfBlocks",
        json!(ev.blocks().count()),
        &record["NumberOfBlocks"],
    );
    let theirs = record["MeasurementBlocks"].as_object().unwrap();
    assert_eq!(theirs.len(), ev.blocks().count());
    for block in ev.blocks() {
        let t = &theirs[&block.index.to_string()];
        eq(
            "DMTFSpecMeasurementValueType",
            json!(block.value_type),
            &t["DMTFSpecMeasurementValueType"],
        );
        eq(
            "DMTFSpecMeasurementValueSize",
            json!(block.value.len()),
            &t["DMTFSpecMeasurementValueSize"],
        );
        eq(
            "DMTFSpecMeasurementValue",
            json!(hx(block.value)),
            &t["DMTFSpecMeasurementValue"],
        );
    }

    let fields = resp["OpaqueData"]["OpaqueDataField"].as_object().unwrap();
    let o = ev.opaque();
    for (key, theirs) in fields {
        let name = key.strip_prefix("OPAQUE_FIELD_ID_").unwrap();
        let ours = match name {
            "MSRSCNT" => json!(o.msrscnt().collect::<Vec<_>>()),
            "DISABLED_PORTS" => json!(o.disabled_ports().map(u8::from).collect::<Vec<_>>()),
            "SWITCH_GPU_PDIS" => json!(o.switch_gpu_pdis().map(hx).collect::<Vec<_>>()),
            "SWITCH_PORT" => json!(
                o.switch_ports()
                    .iter()
                    .map(|p| format!("{p:#04x}"))
                    .collect::<Vec<_>>()
            ),
            _ => {
                let t = OpaqueType::ALL
                    .into_iter()
                    .find(|t| if switch { t.switch_name() } else { t.name() } == name)
                    .unwrap_or_else(|| panic!("no opaque type named {name}"));
                json!(hx(o.get(t).unwrap()))
            }
        };
        eq(key, ours, theirs);
    }
    compared
}

#[test]
fn hopper_580_equals_nvidias_parse() {
    let Some(d) = device(&HOPPER_580) else {
        return;
    };
    let resp =
        aimine_vectors::read_json("nvidia/hopper-580.159.03/spdm_parsed_output.json").unwrap();
    let req =
        aimine_vectors::read_json("nvidia/hopper-580.159.03/spdm_req_parsed_output.json").unwrap();
    let ev = Evidence::parse(&d.evidence).unwrap();
    let n = compare(&ev, &resp, &req, false);
    assert_eq!(n, 15 + 1 + 64 * 3 + 14, "every field compared");
    println!("hopper-580.159.03: {n} fields equal NVIDIA's parse");
}

#[test]
fn ls10_switch_equals_nvidias_parse() {
    let Some(d) = device(&LS10) else {
        return;
    };
    let resp =
        aimine_vectors::read_json("nvidia/ls10-switch/switch_spdm_parsed_output.json").unwrap();
    let req =
        aimine_vectors::read_json("nvidia/ls10-switch/switch_spdm_req_parsed_output.json").unwrap();
    let ev = Evidence::parse(&d.evidence).unwrap();
    let n = compare(&ev, &resp, &req, true);
    assert_eq!(n, 15 + 1 + 31 * 3 + 8, "every field compared");
    println!("ls10-switch: {n} fields equal NVIDIA's parse");
}
