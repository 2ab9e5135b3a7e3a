//! Directory benchmarks over 50,000 generated services spread over the Lyon region:
//!
//! - `search`: keyword + distance + open-now through the core API (FTS5 match, filters, opening
//!   hours, haversine, ranking, the page's details) beside the raw FTS5 query alone (the same
//!   MATCH expression ranked by BM25, top 20) on a bare connection, in the same run. Goals:
//!   p99 ≤ 10 ms; ratio of medians ≤ 1.5. Prints `RATIO search core=… baseline=… ratio=…` and
//!   `P50/P99` lines for both.
//! - `import`: HSDS JSON import throughput, services per second.
//! - `snapshot`: size of a plain and an encrypted snapshot of 10,000 services.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use passerelle_core::directory::build_directory_snapshot;
use passerelle_core::{
    DirectoryQuery, Durability, GeoPoint, ImportFile, ImportFormat, ImportOptions, Key,
    LocalDateTime, Store, StoreOptions,
};

const SERVICES: usize = 50_000;
const CHUNK: usize = 10_000;

/// A small deterministic generator: the same data every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const KINDS: &[(&str, &str, &str)] = &[
    (
        "home_care",
        "Aide à domicile",
        "Aide à la toilette, aux repas et au ménage pour les personnes en perte d'autonomie.",
    ),
    (
        "meals",
        "Portage de repas",
        "Livraison de repas équilibrés à domicile, régimes adaptés.",
    ),
    (
        "transport",
        "Transport adapté",
        "Transport de porte à porte en véhicule adapté aux fauteuils roulants.",
    ),
    (
        "respite",
        "Accueil de jour et répit",
        "Relais pour les aidants : accueil de jour, séjours de répit, halte-garderie.",
    ),
    (
        "caregiver_support",
        "Soutien aux aidants",
        "Information, formation et écoute pour les proches aidants.",
    ),
    (
        "disability_rights",
        "Dossier MDPH",
        "Aide à la constitution du dossier MDPH, carte mobilité inclusion, AAH.",
    ),
    (
        "benefits_admin",
        "Permanence sociale",
        "Assistante sociale, aides financières et démarches administratives.",
    ),
    (
        "support_group",
        "Groupe de parole",
        "Rencontres entre pairs pour partager son expérience après un AVC.",
    ),
    (
        "psychological_support",
        "Psychologue",
        "Entretiens de soutien psychologique individuels ou en famille.",
    ),
    (
        "speech_therapy",
        "Orthophonie",
        "Rééducation du langage, de la parole et de la déglutition, aphasie.",
    ),
    (
        "physiotherapy",
        "Kinésithérapie",
        "Rééducation motrice, marche et équilibre, à domicile ou au cabinet.",
    ),
    (
        "occupational_therapy",
        "Ergothérapie",
        "Bilan d'autonomie et conseils pour les gestes du quotidien.",
    ),
    (
        "rehabilitation",
        "Hôpital de jour",
        "Rééducation neurologique pluridisciplinaire en hôpital de jour.",
    ),
    (
        "health_information",
        "Information santé",
        "Prévention de la récidive d'AVC, ateliers d'éducation thérapeutique.",
    ),
    (
        "home_adaptation",
        "Aménagement du logement",
        "Adaptation de la salle de bains, monte-escalier, conseils travaux.",
    ),
    (
        "mobility_aids",
        "Aides techniques",
        "Prêt et vente de fauteuils roulants, déambulateurs, aides à la toilette.",
    ),
    (
        "social_leisure",
        "Loisirs adaptés",
        "Sorties, activités culturelles et sportives adaptées.",
    ),
    (
        "return_to_work",
        "Retour à l'emploi",
        "Accompagnement vers l'emploi et aménagement du poste de travail.",
    ),
    (
        "driving",
        "Reprise de la conduite",
        "Évaluation de la conduite et adaptation du véhicule.",
    ),
];

const TOWNS: &[&str] = &[
    "Lyon",
    "Villeurbanne",
    "Vénissieux",
    "Bron",
    "Caluire",
    "Saint-Priest",
    "Oullins",
    "Écully",
    "Vaulx-en-Velin",
    "Rillieux",
    "Décines",
    "Meyzieu",
    "Givors",
    "Tassin",
];

const HOURS: &[(&str, &str, &str)] = &[
    ("MO,TU,WE,TH,FR", "09:00", "17:00"),
    ("MO,TU,WE,TH,FR", "08:30", "12:30"),
    ("TU,TH", "14:00", "18:00"),
    ("MO,WE,FR", "10:00", "16:00"),
    ("SA", "09:00", "12:00"),
    ("MO,TU,WE,TH,FR,SA,SU", "07:00", "20:00"),
];

/// HSDS JSON for services `from..to`.
fn dataset(from: usize, to: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ from as u64);
    let mut out = String::from("[");
    for i in from..to {
        let (cat, label, desc) = KINDS[i % KINDS.len()];
        let town = TOWNS[rng.below(TOWNS.len())];
        let lat = 45.60 + rng.unit() * 0.30;
        let lon = 4.70 + rng.unit() * 0.35;
        let (days, opens, closes) = HOURS[rng.below(HOURS.len())];
        // Five services per organization; an organization is the same record in each.
        let org = i / 5;
        let org_town = TOWNS[org % TOWNS.len()];
        let lang = if i % 10 == 0 {
            r#",{"id":"l2","code":"en"}"#
        } else {
            ""
        };
        if i > from {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"id":"s{i}","name":"{label} {town} {i}","description":"{desc}","status":"active","assured_date":"2025-{:02}-15",
"organization":{{"id":"o{org}","name":"Association {org} de {org_town}","description":"Association de la métropole."}},
"languages":[{{"id":"l1","code":"fr"}}{lang}],
"attributes":[{{"id":"a1","taxonomy_term":{{"id":"t1","taxonomy":"passerelle-category","code":"{cat}","name":"{cat}"}}}}],
"service_at_locations":[{{"id":"sal{i}","schedules":[{{"id":"h{i}","freq":"WEEKLY","byday":"{days}","opens_at":"{opens}","closes_at":"{closes}"}}],
"location":{{"id":"loc{i}","name":"Site {i}","latitude":{lat:.5},"longitude":{lon:.5},
"addresses":[{{"id":"ad{i}","address_1":"{i} rue de la République","city":"{town}","postal_code":"69000","country":"FR"}}]}}}}]}}"#,
            1 + i % 12
        );
    }
    out.push(']');
    out
}

fn options(source: &str) -> ImportOptions {
    ImportOptions {
        source: source.into(),
        skip_invalid: false,
        dry_run: false,
        remove_missing: false,
    }
}

fn import(store: &Store, from: usize, to: usize) {
    store
        .import_directory(
            ImportFormat::HsdsJson,
            vec![ImportFile {
                name: "bench.json".into(),
                content: dataset(from, to),
            }],
            options("bench"),
        )
        .unwrap();
}

/// A bare SQLCipher connection, as the baseline uses.
fn raw(path: &Path, key: &Key) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\";",
        hex::encode(key.bytes().unwrap())
    ))
    .unwrap();
    c.execute_batch("PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;")
        .unwrap();
    c
}

const QUERIES: &[&str] = &[
    "orthophonie",
    "aide domicile",
    "transport",
    "répit",
    "groupe parole",
    "kiné",
    "mdph",
    "ergothérapie",
    "portage repas",
    "conduite",
    "psychologue",
    "aides techniques",
];

/// The FTS expression the core builds for each query (the baseline runs the same MATCH).
fn expression(q: &str) -> String {
    let words: Vec<String> = q.split(' ').map(str::to_lowercase).collect();
    let n = words.len();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i + 1 == n {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn point(i: usize) -> GeoPoint {
    let mut rng = Rng(0xDEAD_BEEF ^ i as u64);
    GeoPoint {
        latitude: 45.65 + rng.unit() * 0.2,
        longitude: 4.75 + rng.unit() * 0.25,
    }
}

fn core_query(i: usize) -> DirectoryQuery {
    DirectoryQuery {
        text: QUERIES[i % QUERIES.len()].into(),
        near: Some(point(i)),
        max_distance_km: Some(10.0),
        open_at: Some(LocalDateTime {
            year: 2026,
            month: 3,
            day: 3 + (i % 4) as u32,
            hour: 9 + (i % 8) as u32,
            minute: 30,
        }),
        open_only: true,
        ..DirectoryQuery::default()
    }
}

const BASELINE_SQL: &str =
    "SELECT rowid, bm25(dir_fts, 10.0, 6.0, 3.0, 4.0, 1.0, 2.0) AS r FROM dir_fts
     WHERE dir_fts MATCH ?1 ORDER BY r LIMIT 20";

fn baseline(c: &rusqlite::Connection, i: usize) -> usize {
    let mut stmt = c.prepare_cached(BASELINE_SQL).unwrap();
    let mut rows = stmt
        .query([expression(QUERIES[i % QUERIES.len()])])
        .unwrap();
    let mut n = 0;
    while let Some(r) = rows.next().unwrap() {
        black_box(r.get::<_, i64>(0).unwrap());
        n += 1;
    }
    n
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let path = dir.path().join("directory.db");
    let store = Store::open(
        &path,
        key.clone(),
        StoreOptions {
            durability: Durability::Normal,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    let start = Instant::now();
    for from in (0..SERVICES).step_by(CHUNK) {
        import(&store, from, from + CHUNK);
    }
    let elapsed = start.elapsed();
    println!(
        "IMPORT services={SERVICES} seconds={:.1} services_per_second={:.0}",
        elapsed.as_secs_f64(),
        SERVICES as f64 / elapsed.as_secs_f64()
    );
    let conn = raw(&path, &key);
    let hits = store.search_directory(core_query(0)).unwrap();
    assert!(hits.total > 0, "the benchmark query finds something");
    assert!(baseline(&conn, 0) > 0);
    let matches: usize = (0..QUERIES.len())
        .map(|i| {
            conn.query_row(
                "SELECT count(*) FROM dir_fts WHERE dir_fts MATCH ?1",
                [expression(QUERIES[i])],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as usize
        })
        .sum();
    println!("MATCHES mean_per_query={}", matches / QUERIES.len());

    let mut g = c.benchmark_group("directory_search_50k");
    let mut i = 0;
    g.bench_function("core_keyword_distance_open_now", |b| {
        b.iter(|| {
            i += 1;
            black_box(store.search_directory(core_query(i)).unwrap());
        });
    });
    g.bench_function("raw_fts5_match_top20", |b| {
        b.iter(|| {
            i += 1;
            black_box(baseline(&conn, i));
        });
    });
    g.finish();

    // Interleaved timings of single queries, for percentiles and the ratio.
    let (mut tc, mut tb) = (Vec::new(), Vec::new());
    for i in 0..1_200 {
        let s = Instant::now();
        black_box(store.search_directory(core_query(i)).unwrap());
        tc.push(s.elapsed());
        let s = Instant::now();
        black_box(baseline(&conn, i));
        tb.push(s.elapsed());
    }
    tc.sort();
    tb.sort();
    let (c50, c99, b50, b99) = (
        percentile(&tc, 0.5),
        percentile(&tc, 0.99),
        percentile(&tb, 0.5),
        percentile(&tb, 0.99),
    );
    println!("P50/P99 search core p50={c50:?} p99={c99:?}");
    println!("P50/P99 search baseline p50={b50:?} p99={b99:?}");
    println!(
        "RATIO search core={c50:?} baseline={b50:?} ratio={:.2}",
        c50.as_secs_f64() / b50.as_secs_f64()
    );
}

fn snapshot(_: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let files = || {
        vec![ImportFile {
            name: "bench.json".into(),
            content: dataset(0, CHUNK),
        }]
    };
    let plain = dir.path().join("plain.db");
    let start = Instant::now();
    let (_, stats) = build_directory_snapshot(
        &plain,
        Key::Unencrypted,
        ImportFormat::HsdsJson,
        files(),
        options("bench"),
    )
    .unwrap();
    let built = start.elapsed();
    let enc = dir.path().join("encrypted.db");
    let (_, enc_stats) = build_directory_snapshot(
        &enc,
        Key::generate(),
        ImportFormat::HsdsJson,
        files(),
        options("bench"),
    )
    .unwrap();
    println!(
        "SNAPSHOT services={} plain_bytes={} encrypted_bytes={} mib_per_10k={:.1} build_seconds={:.1}",
        stats.services,
        stats.bytes,
        enc_stats.bytes,
        stats.bytes as f64 / 1_048_576.0 * (10_000.0 / f64::from(stats.services)),
        built.as_secs_f64()
    );
    let app = Store::open(
        dir.path().join("app.db"),
        Key::generate(),
        StoreOptions::default(),
    )
    .unwrap();
    let start = Instant::now();
    app.load_directory_snapshot(&plain, Key::Unencrypted)
        .unwrap();
    println!(
        "SNAPSHOT load_seconds={:.2} services={}",
        start.elapsed().as_secs_f64(),
        stats.services
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = search, snapshot
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
