//! A 1 GiB file is fingerprinted in constant memory: this test runs alone in its own process so
//! that the process's peak memory tells how much the digest used.

#[cfg(target_os = "linux")]
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn one_gib_file_digests_with_flat_memory() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("zeros.bin");
    let file = std::fs::File::create(&path).expect("create");
    // A sparse file: 1 GiB of zeros that takes no disk space.
    file.set_len(1 << 30).expect("size");
    drop(file);
    let before = peak_rss_kib();
    let (name, size, digest) = dsl_store::evidence::sha256_file(&path).expect("digest");
    let grown = peak_rss_kib().saturating_sub(before);
    assert_eq!(name, "zeros.bin");
    assert_eq!(size, 1 << 30);
    // As computed by coreutils' sha256sum on the same file.
    assert_eq!(
        digest,
        "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14"
    );
    assert!(
        grown < 8 * 1024,
        "peak memory grew by {grown} KiB while reading 1 GiB"
    );
}
