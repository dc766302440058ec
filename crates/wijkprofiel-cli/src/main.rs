//! `wijkprofiel`: validate a region's data, generate the demo region.

/// mimalloc instead of the system allocator: a national `build` frees and allocates
/// gigabytes, which glibc returns to the kernel and faults in again (see `benches/README.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    wijkprofiel_cli::main()
}
