fn main() {
    std::process::exit(planrun::app::main());
}
