//! The `planrun` command; everything is in the library (`planrun::app`).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h of mimalloc 3, which
/// libmimalloc-sys 0.1.49 builds); the crate does not name it. The assertion below
/// breaks the build when the option list changes under it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const _: () = assert!(libmimalloc_sys::_mi_option_last == 47);

fn main() {
    // Freed memory goes back to the OS at once instead of after a second: a run is
    // short, and with the default its peak memory is about twice glibc's (67 vs
    // 38 MiB for 2,000 steps). Costs a few hundred madvise calls per run.
    // SAFETY: called before any other thread exists (mi_option_set is not thread-safe).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    std::process::exit(planrun::app::main());
}
