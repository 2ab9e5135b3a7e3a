//! The in-workspace `uniffi-bindgen`: generates the Kotlin and Swift bindings from the built
//! `passerelle` library with exactly the uniffi version the library was built with.

fn main() {
    uniffi::uniffi_bindgen_main();
}
