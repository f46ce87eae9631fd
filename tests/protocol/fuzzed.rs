//! Every input the fuzzers ever found a problem with (fuzz/regressions/TARGET/*), and their
//! seeds, replayed through the same calls the fuzz targets make: each must return, not panic.

#[path = "../../fuzz/targets.rs"]
mod targets;

#[test]
fn fuzz_findings_and_seeds_stay_fixed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for (name, target) in targets::TARGETS {
        for kind in ["regressions", "seeds"] {
            let Ok(entries) = std::fs::read_dir(root.join(kind).join(name)) else {
                continue;
            };
            for entry in entries.flatten() {
                let data = std::fs::read(entry.path()).unwrap();
                target(&data);
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 10, "the seeds are there ({replayed})");
}
