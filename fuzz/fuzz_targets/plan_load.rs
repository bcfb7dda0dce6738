//! Any bytes as a plan file: loading returns a plan or located errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planrun::plan::load::compile_plan;
use planrun::template::Templates;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut templates = Templates::new();
        if let Err(errors) = compile_plan("fuzz.yaml", text, &mut templates) {
            assert!(!errors.is_empty());
        }
    }
});
