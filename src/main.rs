//! The `planrun` command; everything is in the library (`planrun::app`).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h of mimalloc 3, which
/// libmimalloc-sys 0.1.49 builds); the crate does not name it. The assertion below
/// breaks the build when the option list changes under it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const _: () = assert!(libmimalloc_sys::_mi_option_last == 47);

/// How long freed memory stays with the process before it goes back to the OS, in
/// milliseconds. mimalloc's default (1 s) outlives most runs, so nothing would go
/// back: 2,000 steps peaked at ~52 MiB. 0 (give back at once) kept them at ~34 MiB but
/// cost ~310 madvise calls and ~4,000 more page faults (memory given back, then
/// faulted in again), ~30 ms of CPU. At 100 ms: ~39 MiB, ~160 madvise calls, ~11,000
/// faults. A 100 MB body (128 MiB cap) peaks at ~112 MiB with any of these.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

fn main() {
    // SAFETY: called before any other thread exists (mi_option_set is not thread-safe).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    std::process::exit(planrun::app::main());
}
