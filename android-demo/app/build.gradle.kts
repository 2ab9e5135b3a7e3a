// The demo app: Jetpack Compose screens over the generated Passerelle bindings.
//
// Before the first build (see ../README.md):
//   bindings/scripts/build-android.sh android-demo/app/src/main/jniLibs   (with ANDROID_MIN_SDK=26)
// puts libpasserelle.so for each ABI in src/main/jniLibs and generates the Kotlin bindings in
// ../target/bindings/kotlin, which this module compiles as part of its own sources.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

// The repository root holds target/: the generated bindings and the host (desktop) library
// the JVM unit tests load.
val repoRoot: File = rootDir.parentFile
val bindingsDir: File = providers.gradleProperty("passerelle.bindingsDir").map { File(it) }
    .getOrElse(repoRoot.resolve("target/bindings/kotlin"))
val hostLibDir: File = providers.gradleProperty("passerelle.hostLibDir").map { File(it) }
    .getOrElse(repoRoot.resolve("target/debug"))

android {
    namespace = "app.passerelle.demo"
    compileSdk = 35

    defaultConfig {
        applicationId = "app.passerelle.demo"
        // java.time and the Keystore's AES-GCM keys without desugaring.
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildFeatures {
        compose = true
    }

    sourceSets {
        getByName("main") {
            // The generated bindings (app.passerelle, app.passerelle.core) compile with the app.
            java.srcDir(bindingsDir)
        }
    }

    testOptions {
        unitTests.all {
            // The presentation tests call the real library, built for the host by generate.sh,
            // and read the app's own string resources.
            it.systemProperty("jna.library.path", hostLibDir.absolutePath)
            it.systemProperty("passerelle.demo.res", file("src/main/res").absolutePath)
        }
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

// Fail early, with the command to run, rather than with hundreds of unresolved references.
val checkPasserelleBindings by tasks.registering {
    val generated = bindingsDir.resolve("app/passerelle/passerelle.kt")
    val jniLibs = file("src/main/jniLibs/arm64-v8a/libpasserelle.so")
    doLast {
        check(generated.isFile) {
            "Passerelle bindings not found at $generated: run bindings/scripts/build-android.sh " +
                "android-demo/app/src/main/jniLibs (or bindings/scripts/generate.sh) from the repository root"
        }
        if (!jniLibs.isFile) {
            logger.warn("warning: $jniLibs is missing: the app will build but fail to load the library on a device")
        }
    }
}
tasks.named("preBuild") { dependsOn(checkPasserelleBindings) }

dependencies {
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.foundation)
    implementation(libs.compose.material3)
    implementation(libs.compose.material.icons.extended)
    implementation(libs.compose.ui.tooling.preview)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.kotlinx.coroutines.android)
    // JNA as an AAR: its classes plus libjnidispatch.so for each Android ABI.
    implementation("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    debugImplementation(libs.compose.ui.tooling)

    testImplementation(libs.junit)
    testImplementation(kotlin("test-junit"))
    // The plain jar carries libjnidispatch for desktop JVMs, which the unit tests run on.
    testImplementation("net.java.dev.jna:jna:${libs.versions.jna.get()}")
}
