//! The community-resource directory through the public API: imports of the sample datasets
//! (HSDS JSON and CSV, data·inclusion) with their reports, lossless export, offline search with
//! ranking, filters, freshness and opening hours, bookmarks, referrals in check-ins and the
//! programme report, snapshots, and bad input refused with a typed error and no change.
#![allow(clippy::unwrap_used)]
// Scenario tests read better whole than split to satisfy a length limit.
#![allow(clippy::too_many_lines)]

mod common;

use std::path::PathBuf;

use common::{DAY, T0, contact, new_db, programme, share_with_caregiver};
use passerelle_core::directory::{
    AccessFeature, Category, Fees, ImportWarningKind, RecordKind, RecordOutcome,
    build_directory_snapshot,
};
use passerelle_core::{
    Dimension, DirectoryQuery, Error, GeoPoint, ImportFile, ImportFormat, ImportOptions,
    ImportReport, Key, LocalDateTime, Problem, Store,
};

/// A bad import case: its name, the files, the field named in the error, the problem.
type BadImport = (
    &'static str,
    (ImportFormat, Vec<ImportFile>),
    &'static str,
    Problem,
);
fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/directory")
}

fn file(name: &str) -> ImportFile {
    let path = data_dir().join(name);
    ImportFile {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        content: std::fs::read_to_string(&path).unwrap(),
    }
}

fn csv_files() -> Vec<ImportFile> {
    let mut names: Vec<String> = std::fs::read_dir(data_dir().join("lyon-hsds-csv"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| file(&format!("lyon-hsds-csv/{n}")))
        .collect()
}

fn options(source: &str) -> ImportOptions {
    ImportOptions {
        source: source.into(),
        skip_invalid: false,
        dry_run: false,
        remove_missing: false,
    }
}

fn import_hsds(store: &Store) -> ImportReport {
    store
        .import_directory(
            ImportFormat::HsdsJson,
            vec![file("lyon-hsds.json")],
            options("lyon-demo"),
        )
        .unwrap()
}

fn query(text: &str) -> DirectoryQuery {
    DirectoryQuery {
        text: text.into(),
        ..DirectoryQuery::default()
    }
}

fn names(store: &Store, q: DirectoryQuery) -> Vec<String> {
    store
        .search_directory(q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.name)
        .collect()
}

const PART_DIEU: GeoPoint = GeoPoint {
    latitude: 45.7606,
    longitude: 4.8597,
};

/// Tuesday 3 March 2026 at `hour`:`minute`, local time.
fn tuesday(hour: u32, minute: u32) -> LocalDateTime {
    LocalDateTime {
        year: 2026,
        month: 3,
        day: 3,
        hour,
        minute,
    }
}

#[test]
fn hsds_import_reports_every_record_and_keeps_unknown_terms() {
    let db = new_db();
    let report = import_hsds(&db.store);
    assert!(report.committed);
    assert_eq!(
        (report.added, report.updated, report.rejected),
        (13 + 12 + 19, 0, 0)
    );
    let kinds = |k: RecordKind| report.records.iter().filter(|r| r.kind == k).count();
    assert_eq!(
        (
            kinds(RecordKind::Organization),
            kinds(RecordKind::Location),
            kinds(RecordKind::Service)
        ),
        (13, 12, 19)
    );
    let unknown: Vec<&str> = report
        .warnings
        .iter()
        .filter(|w| w.warning == ImportWarningKind::UnknownTaxonomyTerm)
        .map(|w| w.detail.as_str())
        .collect();
    assert!(
        unknown.contains(&"openeligibility:caregivers"),
        "{unknown:?}"
    );
    assert!(
        unknown.contains(&"passerelle-accessibility:tactile_paving"),
        "{unknown:?}"
    );
    // Kept with the record, not dropped.
    let cafe = report
        .records
        .iter()
        .find(|r| r.source_id.ends_with("000000000304"))
        .unwrap();
    let detail = db.store.directory_service(&cafe.id).unwrap();
    assert_eq!(detail.name, "Café des aidants");
    assert_eq!(detail.other_terms.len(), 1);
    assert_eq!(detail.other_terms[0].code, "caregivers");
    assert_eq!(
        detail.categories,
        vec![Category::CaregiverSupport, Category::SupportGroup]
    );
    assert_eq!(
        detail.dimensions,
        vec![Dimension::Emotional, Dimension::CaregiverSupport]
    );
    assert_eq!(detail.source, "lyon-demo");
    assert_eq!(detail.places.len(), 1);
    assert_eq!(detail.places[0].hours[0].opens_at, "14:00");
    assert!(
        detail.places[0]
            .accessibility
            .contains(&AccessFeature::HearingLoop)
    );

    // Importing the same file again changes nothing.
    let again = import_hsds(&db.store);
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 44));
}

#[test]
fn search_is_accent_and_case_insensitive_with_prefixes_and_safe_operators() {
    let db = new_db();
    import_hsds(&db.store);
    let s = &db.store;
    assert_eq!(
        names(s, query("aide a domicile"))[0],
        "Aide à domicile après un AVC"
    );
    assert_eq!(
        names(s, query("AIDE À DOMICILE"))[0],
        "Aide à domicile après un AVC"
    );
    let ortho = names(s, query("orthophon"));
    assert_eq!(ortho[0], "Orthophonie et rééducation du langage");
    assert!(ortho.contains(&"Aphasia conversation group (English)".to_owned()));
    assert_eq!(
        names(s, query("repit"))[0],
        "Accueil de jour et répit des aidants"
    );
    // English labels of categories are indexed too.
    assert!(
        names(s, query("respite care"))
            .contains(&"Accueil de jour et répit des aidants".to_owned())
    );
    for typed in [
        "\"répit\" OR (aidants",
        "aidants NOT",
        "NEAR(a b)",
        "name:répit*",
        "'; DROP TABLE dir_service; --",
        "\"\"\"",
        "^*",
        "",
    ] {
        db.store
            .search_directory(query(typed))
            .unwrap_or_else(|e| panic!("{typed:?}: {e}"));
    }
    assert!(
        names(s, query("\"répit\" OR (aidants"))
            .contains(&"Accueil de jour et répit des aidants".to_owned())
    );
    assert!(names(s, query("zzzzqqq")).is_empty());
}

#[test]
fn results_rank_by_relevance_and_distance_and_filter() {
    let db = new_db();
    import_hsds(&db.store);
    let s = &db.store;
    let near = |text: &str| DirectoryQuery {
        text: text.into(),
        near: Some(PART_DIEU),
        ..DirectoryQuery::default()
    };
    let page = s.search_directory(near("aidants")).unwrap();
    let got: Vec<&str> = page.hits.iter().map(|h| h.name.as_str()).collect();
    // The two Part-Dieu services first; Écully (8 km) after Caluire (4 km).
    assert!(got[..2].contains(&"Café des aidants"), "{got:?}");
    assert!(
        got[..2].contains(&"Accueil de jour et répit des aidants"),
        "{got:?}"
    );
    let pos = |n: &str| got.iter().position(|g| *g == n).unwrap();
    assert!(pos("Soutien psychologique pour aidants") < pos("Carers' coffee morning"));
    assert!(page.hits[0].distance_km.unwrap() < 0.1);
    assert!(page.hits.windows(2).all(|w| w[0].score >= w[1].score));

    // Browsing by distance only: nearest first.
    let browse = s
        .search_directory(DirectoryQuery {
            near: Some(PART_DIEU),
            max_distance_km: Some(3.0),
            ..DirectoryQuery::default()
        })
        .unwrap();
    assert!(browse.hits.iter().all(|h| h.distance_km.unwrap() <= 3.0));
    assert!(
        browse
            .hits
            .windows(2)
            .all(|w| w[0].distance_km <= w[1].distance_km)
    );
    assert_eq!(browse.total as usize, browse.hits.len());
    assert!(browse.total >= 4);

    let only = |q: DirectoryQuery| names(s, q);
    assert_eq!(
        only(DirectoryQuery {
            categories: vec![Category::Respite],
            ..DirectoryQuery::default()
        }),
        vec!["Accueil de jour et répit des aidants"]
    );
    let english = only(DirectoryQuery {
        languages: vec!["en".into()],
        ..DirectoryQuery::default()
    });
    assert_eq!(english.len(), 4, "{english:?}");
    let caregiving = only(DirectoryQuery {
        dimensions: vec![Dimension::CaregiverSupport],
        ..DirectoryQuery::default()
    });
    assert_eq!(caregiving.len(), 4, "{caregiving:?}");
    let accessible = only(DirectoryQuery {
        accessibility: vec![AccessFeature::Wheelchair, AccessFeature::HearingLoop],
        ..DirectoryQuery::default()
    });
    assert_eq!(accessible.len(), 3, "{accessible:?}");
    let free = s
        .search_directory(DirectoryQuery {
            fees: vec![Fees::Free],
            limit: 100,
            ..DirectoryQuery::default()
        })
        .unwrap();
    assert!(free.hits.iter().all(|h| h.fees == Some(Fees::Free)));
    assert_eq!(free.total, 10);

    // Open on Tuesday at 19:00: the support group (18-20) and the transport (7-20) only; the
    // speech therapist closes at 19:00.
    let open = only(DirectoryQuery {
        open_at: Some(tuesday(19, 0)),
        open_only: true,
        ..DirectoryQuery::default()
    });
    assert_eq!(
        open,
        vec!["Groupe de parole AVC", "Transport adapté à la demande"]
    );
    // Asked without filtering, each result says whether it is open.
    let annotated = s
        .search_directory(DirectoryQuery {
            text: "aidants".into(),
            open_at: Some(tuesday(10, 0)),
            ..DirectoryQuery::default()
        })
        .unwrap();
    let open_now = |n: &str| {
        annotated
            .hits
            .iter()
            .find(|h| h.name == n)
            .unwrap()
            .open_now
    };
    assert_eq!(open_now("Accueil de jour et répit des aidants"), Some(true));
    assert_eq!(open_now("Café des aidants"), Some(false));
    assert_eq!(
        open_now("Soutien psychologique pour aidants"),
        Some(false),
        "temporarily closed"
    );

    // Paging: pages are slices of the same order.
    let all = names(
        s,
        DirectoryQuery {
            near: Some(PART_DIEU),
            limit: 100,
            ..DirectoryQuery::default()
        },
    );
    assert_eq!(all.len(), 19, "every service, the online one last: {all:?}");
    assert_eq!(all[18], "Information AVC : comprendre et prévenir");
    let page2 = names(
        s,
        DirectoryQuery {
            near: Some(PART_DIEU),
            offset: 5,
            limit: 5,
            ..DirectoryQuery::default()
        },
    );
    assert_eq!(page2, all[5..10].to_vec());
}

#[test]
fn every_result_says_how_fresh_it_is() {
    let db = new_db();
    import_hsds(&db.store);
    let hits = db
        .store
        .search_directory(DirectoryQuery {
            limit: 100,
            ..DirectoryQuery::default()
        })
        .unwrap()
        .hits;
    let hit = |n: &str| hits.iter().find(|h| h.name == n).unwrap();
    let driving = hit("Évaluation de la reprise de la conduite");
    assert!(driving.possibly_outdated, "verified in 2023");
    assert_eq!(driving.last_verified, Some(1_700_006_400_000), "2023-11-15");
    let lending = hit("Prêt d'aides techniques");
    assert!(lending.possibly_outdated && lending.last_verified.is_none());
    assert!(!hit("Aide à domicile après un AVC").possibly_outdated);
    // A stricter limit flags more.
    let strict = db
        .store
        .search_directory(DirectoryQuery {
            text: "domicile".into(),
            stale_after_days: Some(30),
            ..DirectoryQuery::default()
        })
        .unwrap();
    assert!(
        strict
            .hits
            .iter()
            .find(|h| h.name == "Aide à domicile après un AVC")
            .unwrap()
            .possibly_outdated
    );
}

#[test]
fn a_verification_date_still_to_come_vouches_for_nothing() {
    let db = new_db();
    let json = file("lyon-hsds.json").content.replacen(
        "\"assured_date\": \"2026-01-15\"",
        "\"assured_date\": \"2099-01-15\"",
        1,
    );
    db.store
        .import_directory(
            ImportFormat::HsdsJson,
            vec![ImportFile {
                name: "x.json".into(),
                content: json,
            }],
            options("lyon-demo"),
        )
        .unwrap();
    let hits = db
        .store
        .search_directory(DirectoryQuery {
            limit: 100,
            ..DirectoryQuery::default()
        })
        .unwrap()
        .hits;
    let future = hits
        .iter()
        .find(|h| h.last_verified == Some(4_072_118_400_000))
        .expect("the entry dated 2099-01-15");
    assert!(future.possibly_outdated);
    let detail = db.store.directory_service(&future.service_id).unwrap();
    assert!(detail.possibly_outdated);
}

#[test]
fn csv_form_imports_the_same_directory_as_json() {
    let a = new_db();
    import_hsds(&a.store);
    let b = new_db();
    let report = b
        .store
        .import_directory(ImportFormat::HsdsCsv, csv_files(), options("lyon-demo"))
        .unwrap();
    assert_eq!((report.added, report.rejected), (44, 0));
    assert_eq!(
        a.store.export_directory_hsds(None).unwrap(),
        b.store.export_directory_hsds(None).unwrap()
    );
}

#[test]
fn export_reimports_losslessly() {
    let a = new_db();
    import_hsds(&a.store);
    a.store
        .import_directory(
            ImportFormat::DataInclusion,
            vec![file("lyon-data-inclusion.json")],
            options("di-demo"),
        )
        .unwrap();
    for source in ["lyon-demo", "di-demo"] {
        let exported = a.store.export_directory_hsds(Some(source.into())).unwrap();
        let b = new_db();
        let report = b
            .store
            .import_directory(
                ImportFormat::HsdsJson,
                vec![ImportFile {
                    name: "export.json".into(),
                    content: exported.clone(),
                }],
                options(source),
            )
            .unwrap();
        assert_eq!(report.rejected, 0);
        assert_eq!(
            b.store.export_directory_hsds(None).unwrap(),
            exported,
            "{source}"
        );
        // Same ids, same search results.
        let q = || DirectoryQuery {
            near: Some(PART_DIEU),
            limit: 100,
            ..DirectoryQuery::default()
        };
        let ids = |s: &Store| -> Vec<(String, String)> {
            s.search_directory(q())
                .unwrap()
                .hits
                .into_iter()
                .filter(|h| a.store.directory_service(&h.service_id).unwrap().source == source)
                .map(|h| (h.service_id, h.name))
                .collect()
        };
        assert_eq!(ids(&b.store), ids(&a.store));
        // Re-importing the export where it came from changes nothing.
        let again = a
            .store
            .import_directory(
                ImportFormat::HsdsJson,
                vec![ImportFile {
                    name: "export.json".into(),
                    content: exported,
                }],
                options(source),
            )
            .unwrap();
        assert_eq!((again.added, again.updated), (0, 0), "{source}");
    }
}

#[test]
fn reimport_updates_in_place_and_can_remove_what_left_the_source() {
    let db = new_db();
    let first = import_hsds(&db.store);
    let id = first
        .records
        .iter()
        .find(|r| r.kind == RecordKind::Service && r.source_id.ends_with("000000000303"))
        .unwrap()
        .id
        .clone();
    let before = db.store.directory_service(&id).unwrap();
    assert_eq!(before.name, "Accueil de jour et répit des aidants");
    db.clock.advance(DAY);
    let changed = file("lyon-hsds.json").content.replace(
        "Accueil de jour et répit des aidants",
        "Halte répit des aidants",
    );
    let report = db
        .store
        .import_directory(
            ImportFormat::HsdsJson,
            vec![ImportFile {
                name: "lyon-hsds.json".into(),
                content: changed,
            }],
            options("lyon-demo"),
        )
        .unwrap();
    assert_eq!((report.added, report.updated), (0, 1));
    let updated = report
        .records
        .iter()
        .find(|r| r.outcome == RecordOutcome::Updated)
        .unwrap();
    assert_eq!(updated.id, id, "same id: updated in place");
    let after = db.store.directory_service(&id).unwrap();
    assert_eq!(after.name, "Halte répit des aidants");
    assert_eq!(
        (after.source, after.source_id),
        (before.source, before.source_id)
    );
    assert!(after.updated_at > before.updated_at);
    assert_eq!(
        names(&db.store, query("halte"))[0],
        "Halte répit des aidants"
    );
    assert!(
        !names(&db.store, query("accueil de jour"))
            .contains(&"Accueil de jour et répit des aidants".to_owned())
    );

    // A full dataset without two services removes them.
    let mut services: Vec<serde_json::Value> =
        serde_json::from_str(&file("lyon-hsds.json").content).unwrap();
    services.truncate(17);
    let report = db
        .store
        .import_directory(
            ImportFormat::HsdsJson,
            vec![ImportFile {
                name: "lyon-hsds.json".into(),
                content: serde_json::to_string(&services).unwrap(),
            }],
            ImportOptions {
                remove_missing: true,
                ..options("lyon-demo")
            },
        )
        .unwrap();
    let removed: Vec<&str> = report
        .records
        .iter()
        .filter(|r| r.outcome == RecordOutcome::Removed)
        .map(|r| r.source_id.as_str())
        .collect();
    assert_eq!(
        removed.len(),
        5,
        "two services, their two locations, one organization: {removed:?}"
    );
    assert_eq!(
        db.store
            .search_directory(DirectoryQuery {
                limit: 100,
                ..DirectoryQuery::default()
            })
            .unwrap()
            .total,
        17
    );
}

/// The sample data·inclusion file with one service (`svc-004`, which has its own place)
/// changed by `edit`.
fn data_inclusion_with(edit: impl Fn(&mut serde_json::Value)) -> Vec<ImportFile> {
    let mut doc: serde_json::Value =
        serde_json::from_str(&file("lyon-data-inclusion.json").content).unwrap();
    let service = doc["services"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == "svc-004")
        .unwrap();
    edit(service);
    vec![ImportFile {
        name: "di.json".into(),
        content: doc.to_string(),
    }]
}

#[test]
fn data_inclusion_bad_records_are_refused_and_change_nothing() {
    let db = new_db();
    let before = db.digest();
    let cases: Vec<(&str, Vec<ImportFile>)> = vec![
        (
            "impossible coordinates",
            data_inclusion_with(|s| s["latitude"] = 123.4.into()),
        ),
        (
            "closing before opening",
            data_inclusion_with(|s| s["horaires_accueil"] = "Mo-Fr 18:00-08:00".into()),
        ),
        (
            "missing name",
            data_inclusion_with(|s| {
                s.as_object_mut().unwrap().remove("nom");
            }),
        ),
        (
            "duplicated id",
            data_inclusion_with(|s| s["id"] = "svc-001".into()),
        ),
    ];
    for (what, files) in cases {
        let refused = db.store.import_directory(
            ImportFormat::DataInclusion,
            files.clone(),
            options("di-demo"),
        );
        assert!(refused.is_err(), "{what}: {refused:?}");
        assert_eq!(db.digest(), before, "{what}: nothing written");
    }
    // Skipped, a service refused for its name leaves no place of its own behind.
    let files = data_inclusion_with(|s| {
        s.as_object_mut().unwrap().remove("nom");
    });
    let report = db
        .store
        .import_directory(
            ImportFormat::DataInclusion,
            files,
            ImportOptions {
                skip_invalid: true,
                ..options("di-demo")
            },
        )
        .unwrap();
    let rejected: Vec<&str> = report
        .records
        .iter()
        .filter(|r| r.outcome == RecordOutcome::Rejected)
        .map(|r| r.source_id.as_str())
        .collect();
    assert_eq!(rejected, ["dora:svc-004"]);
    assert!(
        report
            .records
            .iter()
            .all(|r| !r.source_id.starts_with("dora:svc-004")
                || r.outcome == RecordOutcome::Rejected),
        "{:?}",
        report.records
    );
}

#[test]
fn data_inclusion_import_maps_themes_fees_and_opening_hours() {
    let db = new_db();
    let report = db
        .store
        .import_directory(
            ImportFormat::DataInclusion,
            vec![file("lyon-data-inclusion.json")],
            options("di-demo"),
        )
        .unwrap();
    assert_eq!(report.rejected, 0);
    assert_eq!(
        report
            .records
            .iter()
            .filter(|r| r.kind == RecordKind::Service)
            .count(),
        7
    );
    let warned = |kind: ImportWarningKind, detail: &str| {
        report
            .warnings
            .iter()
            .any(|w| w.warning == kind && w.detail.contains(detail))
    };
    assert!(warned(
        ImportWarningKind::UnknownTaxonomyTerm,
        "famille--soutien-aux-aidants"
    ));
    assert!(warned(ImportWarningKind::HoursNotImported, "Jan-Jun"));
    let hits = db
        .store
        .search_directory(DirectoryQuery {
            text: "handicap".into(),
            ..DirectoryQuery::default()
        })
        .unwrap()
        .hits;
    let mdph = hits
        .iter()
        .find(|h| h.name.starts_with("Faire reconnaître"))
        .unwrap();
    assert_eq!(mdph.categories, vec![Category::DisabilityRights]);
    assert_eq!(mdph.fees, Some(Fees::Free));
    assert_eq!(
        mdph.place.as_ref().unwrap().city.as_deref(),
        Some("Vaulx-en-Velin")
    );
    // Its own hours (Tu, Th 14-17) at its structure's address.
    let open = names(
        &db.store,
        DirectoryQuery {
            open_at: Some(tuesday(15, 0)),
            open_only: true,
            limit: 100,
            ..DirectoryQuery::default()
        },
    );
    assert!(
        open.contains(&"Faire reconnaître un handicap (dossier MDPH)".to_owned()),
        "{open:?}"
    );
    let closed_at_8 = names(
        &db.store,
        DirectoryQuery {
            open_at: Some(tuesday(8, 0)),
            open_only: true,
            ..DirectoryQuery::default()
        },
    );
    assert_eq!(
        closed_at_8,
        vec!["Transport solidaire pour rendez-vous médicaux"]
    );
}

#[test]
fn bad_input_gets_a_typed_error_and_changes_nothing() {
    let db = new_db();
    import_hsds(&db.store);
    let before = db.digest();
    let json = file("lyon-hsds.json").content;
    let edit = |from: &str, to: &str| {
        assert!(json.contains(from), "{from}");
        json.replacen(from, to, 1)
    };
    let hsds = |content: String| {
        (
            ImportFormat::HsdsJson,
            vec![ImportFile {
                name: "x.json".into(),
                content,
            }],
        )
    };
    let mut csv_broken = csv_files();
    csv_broken[0].content.push_str("\n\"unclosed,");
    let mut services: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    services.push(services[0].clone());
    let duplicated = serde_json::to_string(&services).unwrap();
    let cases: Vec<BadImport> = vec![
        (
            "malformed JSON",
            hsds(json[..json.len() / 2].to_owned()),
            "file",
            Problem::Malformed,
        ),
        (
            "malformed CSV",
            (ImportFormat::HsdsCsv, csv_broken),
            "file",
            Problem::Malformed,
        ),
        (
            "missing name",
            hsds(edit("\"name\": \"Portage de repas à domicile\",", "")),
            "service.name",
            Problem::Empty,
        ),
        (
            "impossible latitude",
            hsds(json.replace("\"latitude\": 45.7606", "\"latitude\": 91.5")),
            "location.latitude",
            Problem::OutOfRange { min: -90, max: 90 },
        ),
        (
            "impossible longitude",
            hsds(json.replace("\"longitude\": 4.8597", "\"longitude\": -200")),
            "location.longitude",
            Problem::OutOfRange {
                min: -180,
                max: 180,
            },
        ),
        (
            "closing before opening",
            hsds(edit("\"closes_at\": \"18:00\"", "\"closes_at\": \"07:30\"")),
            "schedule.closes_at",
            Problem::OutOfOrder,
        ),
        (
            "duplicated ids",
            hsds(duplicated),
            "service.id",
            Problem::Duplicate,
        ),
        (
            "data·inclusion file as HSDS",
            hsds(file("lyon-data-inclusion.json").content),
            "format",
            Problem::Malformed,
        ),
        (
            "HSDS file as data·inclusion",
            (ImportFormat::DataInclusion, vec![file("lyon-hsds.json")]),
            "format",
            Problem::Malformed,
        ),
        (
            "JSON file as CSV",
            (
                ImportFormat::HsdsCsv,
                vec![ImportFile {
                    name: "services.csv".into(),
                    content: json.clone(),
                }],
            ),
            "format",
            Problem::Malformed,
        ),
        (
            "CSV without services.csv",
            (
                ImportFormat::HsdsCsv,
                vec![file("lyon-hsds-csv/phones.csv")],
            ),
            "format",
            Problem::Malformed,
        ),
        (
            "bad date",
            hsds(edit(
                "\"assured_date\": \"2026-01-15\"",
                "\"assured_date\": \"15/01/2026\"",
            )),
            "service.assured_date",
            Problem::Malformed,
        ),
        (
            "bad status",
            hsds(edit("\"status\": \"active\"", "\"status\": \"open\"")),
            "service.status",
            Problem::Malformed,
        ),
        (
            "no files",
            (ImportFormat::HsdsJson, vec![]),
            "files",
            Problem::Empty,
        ),
    ];
    for (what, (format, files), field, problem) in cases {
        let err = db
            .store
            .import_directory(format, files, options("lyon-demo"))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field: f, problem: p } if *f == field && *p == problem),
            "{what}: {err:?}"
        );
        // No personal data or file content in the message.
        assert!(!err.to_string().contains("Portage"), "{what}");
        assert_eq!(db.digest(), before, "{what} changed the store");
    }
    let err = db
        .store
        .import_directory(
            ImportFormat::HsdsJson,
            vec![file("lyon-hsds.json")],
            options("lyon demo!"),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Invalid {
            field: "source",
            ..
        }
    ));
    for bad in [
        DirectoryQuery {
            near: Some(GeoPoint {
                latitude: 95.0,
                longitude: 4.0,
            }),
            ..DirectoryQuery::default()
        },
        DirectoryQuery {
            max_distance_km: Some(5.0),
            ..DirectoryQuery::default()
        },
        DirectoryQuery {
            open_only: true,
            ..DirectoryQuery::default()
        },
        DirectoryQuery {
            open_at: Some(LocalDateTime {
                month: 2,
                day: 30,
                ..tuesday(9, 0)
            }),
            ..DirectoryQuery::default()
        },
        DirectoryQuery {
            limit: 101,
            ..DirectoryQuery::default()
        },
        DirectoryQuery {
            text: "a".repeat(201),
            ..DirectoryQuery::default()
        },
        DirectoryQuery {
            languages: vec!["français".into()],
            ..DirectoryQuery::default()
        },
    ] {
        assert!(
            matches!(
                db.store.search_directory(bad.clone()),
                Err(Error::Invalid { .. })
            ),
            "{bad:?}"
        );
    }
    assert_eq!(db.digest(), before);
}

#[test]
fn bad_records_can_be_skipped_and_dry_runs_write_nothing() {
    let db = new_db();
    let json = file("lyon-hsds.json").content.replacen(
        "\"closes_at\": \"18:00\"",
        "\"closes_at\": \"07:30\"",
        1,
    );
    let files = || {
        vec![ImportFile {
            name: "x.json".into(),
            content: json.clone(),
        }]
    };
    let before = db.digest();
    let dry = db
        .store
        .import_directory(
            ImportFormat::HsdsJson,
            files(),
            ImportOptions {
                skip_invalid: true,
                dry_run: true,
                ..options("lyon-demo")
            },
        )
        .unwrap();
    assert!(!dry.committed);
    assert_eq!((dry.added, dry.rejected), (43, 1));
    assert_eq!(db.digest(), before);
    // Without `skip_invalid` the import refuses the file, and a dry run still lists every
    // record, naming the bad one and the rule it broke.
    let atomic = ImportOptions {
        dry_run: true,
        ..options("lyon-demo")
    };
    assert!(
        db.store
            .import_directory(ImportFormat::HsdsJson, files(), options("lyon-demo"))
            .is_err()
    );
    let checked = db
        .store
        .import_directory(ImportFormat::HsdsJson, files(), atomic)
        .unwrap();
    assert_eq!(checked, dry);
    assert_eq!(db.digest(), before);
    let report = db
        .store
        .import_directory(
            ImportFormat::HsdsJson,
            files(),
            ImportOptions {
                skip_invalid: true,
                ..options("lyon-demo")
            },
        )
        .unwrap();
    let rejected = report
        .records
        .iter()
        .find(|r| r.outcome == RecordOutcome::Rejected)
        .unwrap();
    assert_eq!(rejected.kind, RecordKind::Service);
    assert_eq!(
        rejected.reason.as_deref(),
        Some("invalid schedule.closes_at: dates in the wrong order")
    );
    assert_eq!(
        db.store
            .search_directory(DirectoryQuery {
                limit: 100,
                ..DirectoryQuery::default()
            })
            .unwrap()
            .total,
        18
    );
}

#[test]
fn bookmarks_and_referrals_reach_the_survivor_the_caregiver_and_the_report() {
    let db = new_db();
    let p = programme(&db.store);
    // The coordinator curates the directory.
    let report = import_hsds(&db.store);
    let service_id = |suffix: &str| {
        report
            .records
            .iter()
            .find(|r| r.kind == RecordKind::Service && r.source_id.ends_with(suffix))
            .unwrap()
            .id
            .clone()
    };
    let respite = service_id("000000000303");
    let mdph = service_id("000000000308");

    // The mentor shares two services and a leaflet in a check-in.
    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert!(matches!(
        db.store.import_directory(
            ImportFormat::HsdsJson,
            vec![file("lyon-hsds.json")],
            options("x")
        ),
        Err(Error::NotAllowed(_))
    ));
    let mut c = contact(&p.mentorship.id, T0);
    c.resources_shared = vec![
        respite.clone(),
        mdph.to_uppercase(),
        "Brochure AVC de l'hôpital".into(),
    ];
    let recorded = db.store.record_checkin(c).unwrap();
    let referrals = db.store.mentorship_referrals(&p.mentorship.id).unwrap();
    assert_eq!(referrals.len(), 2, "free text is not a referral");
    assert!(
        referrals
            .iter()
            .all(|r| r.referred_by == p.mentor.id && r.via_id == recorded.checkin.checkin_id)
    );

    // The survivor sees them and bookmarks one with a private note.
    db.store.set_device_owner(&p.survivor.id).unwrap();
    let shared = db.store.shared_services().unwrap();
    let shared_names: Vec<&str> = shared.iter().map(|s| s.service.name.as_str()).collect();
    assert_eq!(shared_names.len(), 2);
    assert!(shared_names.contains(&"Accueil de jour et répit des aidants"));
    assert!(!shared[0].bookmarked);
    let b = db
        .store
        .bookmark_service(&respite, Some("Appeler lundi".into()))
        .unwrap();
    assert_eq!(b.note.as_deref(), Some("Appeler lundi"));
    let b2 = db
        .store
        .bookmark_service(&respite, Some("Appeler mardi".into()))
        .unwrap();
    assert_eq!(b2.id, b.id, "one bookmark per person and service");
    let marks = db.store.bookmarks().unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].bookmark.note.as_deref(), Some("Appeler mardi"));
    assert_eq!(
        marks[0].service.as_ref().unwrap().name,
        "Accueil de jour et répit des aidants"
    );
    assert!(
        db.store
            .shared_services()
            .unwrap()
            .iter()
            .any(|s| s.bookmarked)
    );
    let hit = db
        .store
        .search_directory(query("répit"))
        .unwrap()
        .hits
        .remove(0);
    assert!(hit.bookmarked);
    assert!(matches!(
        db.store.bookmark_service(&respite, Some("x".repeat(1001))),
        Err(Error::Invalid { field: "note", .. })
    ));
    assert!(matches!(
        db.store
            .bookmark_service("01900000-0000-7000-8000-00000000dead", None),
        Err(Error::NotFound("service"))
    ));
    // The bookmark is a synced row with its outbox entry.
    assert!(
        db.store
            .outbox_peek(1000)
            .unwrap()
            .iter()
            .any(|e| e.collection == "bookmark" && e.row_id == b.id)
    );
    db.store.remove_bookmark(&respite).unwrap();
    assert!(db.store.bookmarks().unwrap().is_empty());
    assert!(matches!(
        db.store.remove_bookmark(&respite),
        Err(Error::NotFound("bookmark"))
    ));
    assert_eq!(
        db.store.bookmark_service(&respite, None).unwrap().note,
        None,
        "bookmarking again revives it"
    );

    // The caregiver sees shared services only once the survivor consents to share with them.
    db.store.set_device_owner(&p.caregiver.id).unwrap();
    assert!(db.store.shared_services().unwrap().is_empty());
    db.store.set_device_owner(&p.survivor.id).unwrap();
    share_with_caregiver(&db.store, &p);
    db.store.set_device_owner(&p.caregiver.id).unwrap();
    assert_eq!(db.store.shared_services().unwrap().len(), 2);

    // The programme report counts referrals per dimension of the services shared.
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let r = db.store.programme_report(T0 - DAY, T0 + DAY).unwrap();
    assert_eq!(r.referrals, 2);
    let per = |d: Dimension| {
        r.referrals_by_dimension
            .iter()
            .find(|c| c.dimension == d)
            .unwrap()
            .referrals
    };
    assert_eq!(per(Dimension::CaregiverSupport), 1);
    assert_eq!(per(Dimension::Emotional), 1);
    assert_eq!(per(Dimension::SocialAdministrative), 1);
    assert_eq!(per(Dimension::HealthcarePathway), 0);
    assert_eq!(r.referrals_by_dimension.len(), 5);

    // Amending the check-in to drop a service drops its referral.
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let mut amended = recorded.checkin.to_input();
    amended.resources_shared = vec![mdph.clone()];
    db.store
        .amend_checkin(&recorded.checkin.checkin_id, amended, "wrong leaflet")
        .unwrap();
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    assert_eq!(
        db.store
            .programme_report(T0 - DAY, T0 + DAY)
            .unwrap()
            .referrals,
        1
    );
}

#[test]
fn a_snapshot_ships_the_directory_for_first_launch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("directory.db");
    let (report, stats) = build_directory_snapshot(
        &path,
        Key::Unencrypted,
        ImportFormat::HsdsJson,
        vec![file("lyon-hsds.json")],
        options("lyon-demo"),
    )
    .unwrap();
    assert_eq!(report.added, 44);
    assert_eq!(
        (stats.organizations, stats.locations, stats.services),
        (13, 12, 19)
    );
    assert!(stats.bytes > 0);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let devices: i64 = raw
        .query_row("SELECT count(*) FROM device", [], |r| r.get(0))
        .unwrap();
    assert_eq!(devices, 0, "no device identity in a snapshot");
    // Nor derived state: the loading store rebuilds it (checked below by searching).
    let derived: i64 = raw
        .query_row(
            "SELECT (SELECT count(*) FROM dir_search)
                  + (SELECT count(*) FROM sqlite_schema
                     WHERE type = 'index' AND sql IS NOT NULL AND tbl_name LIKE 'dir_%')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        derived, 0,
        "no search rows or secondary indexes in a snapshot"
    );
    drop(raw);
    assert!(matches!(
        build_directory_snapshot(
            &path,
            Key::Unencrypted,
            ImportFormat::HsdsJson,
            vec![file("lyon-hsds.json")],
            options("lyon-demo")
        ),
        Err(Error::InvalidState(_))
    ));

    // An encrypted snapshot needs its key.
    let secret = dir.path().join("secret.db");
    let key = Key::generate();
    build_directory_snapshot(
        &secret,
        key.clone(),
        ImportFormat::HsdsJson,
        vec![file("lyon-hsds.json")],
        options("lyon-demo"),
    )
    .unwrap();

    let direct = new_db();
    import_hsds(&direct.store);
    for (snapshot, snapshot_key) in [(&path, Key::Unencrypted), (&secret, key.clone())] {
        let app = new_db();
        let loaded = app
            .store
            .load_directory_snapshot(snapshot, snapshot_key.clone())
            .unwrap();
        assert_eq!(loaded.services, 19);
        let q = || DirectoryQuery {
            text: "aidants".into(),
            near: Some(PART_DIEU),
            ..DirectoryQuery::default()
        };
        assert_eq!(
            app.store.search_directory(q()).unwrap(),
            direct.store.search_directory(q()).unwrap()
        );
        assert_eq!(
            app.store.export_directory_hsds(None).unwrap(),
            direct.store.export_directory_hsds(None).unwrap()
        );
        // Loading again (an app update shipping the same snapshot) changes nothing visible.
        app.store
            .load_directory_snapshot(snapshot, snapshot_key)
            .unwrap();
        assert_eq!(
            app.store.search_directory(q()).unwrap(),
            direct.store.search_directory(q()).unwrap()
        );
    }
    let app = new_db();
    let before = app.digest();
    assert!(matches!(
        app.store.load_directory_snapshot(&secret, Key::generate()),
        Err(Error::Store(passerelle_core::StoreError::WrongKey))
    ));
    // A snapshot cut short in a download is damaged, not locked.
    let torn = dir.path().join("torn.db");
    let bytes = std::fs::read(&secret).unwrap();
    std::fs::write(&torn, &bytes[..bytes.len() / 2 + 100]).unwrap();
    assert!(matches!(
        app.store.load_directory_snapshot(&torn, key.clone()),
        Err(Error::Store(passerelle_core::StoreError::Corrupt))
    ));
    // A snapshot from a newer app is refused.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&path, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(matches!(
        app.store.load_directory_snapshot(&newer, Key::Unencrypted),
        Err(Error::Store(passerelle_core::StoreError::NewerSchema {
            found: 99,
            ..
        }))
    ));
    assert_eq!(
        app.digest(),
        before,
        "no refused snapshot changed the store"
    );
}
