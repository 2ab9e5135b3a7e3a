#!/usr/bin/env python3
"""Writes the directory's sample datasets: fictional services around Lyon, in HSDS 3 JSON,
HSDS 3 tabular CSV (the same records) and data·inclusion JSON.

Every organization, address and phone number here is invented. Phone numbers are in the
range the French regulator reserves for fiction (04 65 71 xx xx); e-mails use example.org.
Run from anywhere: `python3 core/tests/data/directory/generate.py`.
"""
import csv
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def uid(n):
    return f"5a0e0000-0000-4000-8000-{n:012d}"


def phone(n, number, desc=None):
    p = {"id": uid(9000 + n), "number": number, "type": "voice"}
    if desc:
        p["description"] = desc
    return p


ORGS = {
    "aidants": ("Maison des Aidants du Rhône (fictive)", "Association d'accueil, d'écoute et de répit pour les proches aidants.", "+33 4 65 71 10 01"),
    "ssiad": ("SSIAD Lyon Sud Solidarité (fictif)", "Service de soins et d'aide à domicile pour les personnes âgées ou en situation de handicap.", "+33 4 65 71 10 02"),
    "handicap": ("Pôle Handicap Métropole (fictif)", "Accueil et information sur les droits des personnes en situation de handicap.", "+33 4 65 71 10 03"),
    "avc": ("AVC Entraide Lyon (fictive)", "Association de personnes ayant eu un AVC et de leurs proches : entraide, information, groupes de parole.", "+33 4 65 71 10 04"),
    "ortho": ("Cabinet d'orthophonie des Pentes (fictif)", "Cabinet libéral d'orthophonie, rééducation du langage et de l'aphasie.", "+33 4 65 71 10 05"),
    "transport": ("Mobilité Plus Rhône (fictive)", "Transport adapté pour les personnes à mobilité réduite.", "+33 4 65 71 10 06"),
    "ccas": ("CCAS de Villeurbanne (exemple fictif)", "Centre communal d'action sociale : aides, portage de repas, accompagnement social.", "+33 4 65 71 10 07"),
    "ergo": ("Ergo Conseil Habitat (fictif)", "Ergothérapeutes : aménagement du logement et aides techniques.", "+33 4 65 71 10 08"),
    "sport": ("Sport Santé Adapté Lyon (fictif)", "Activité physique adaptée pour les personnes atteintes de maladies chroniques.", "+33 4 65 71 10 09"),
    "english": ("Lyon International Carers Network (fictional)", "English-speaking support for stroke survivors and their carers living around Lyon.", "+33 4 65 71 10 10"),
    "emploi": ("Cap Emploi Rhône (exemple fictif)", "Accompagnement vers l'emploi des personnes en situation de handicap.", "+33 4 65 71 10 11"),
    "conduite": ("Auto-école adaptée de Saint-Priest (fictive)", "Évaluation et apprentissage de la conduite sur véhicule adapté.", "+33 4 65 71 10 12"),
    "reeduc": ("Centre de rééducation du Val d'Yzeron (fictif)", "Centre de soins de suite et de réadaptation neurologique.", "+33 4 65 71 10 13"),
}

# key: (name, address, postal code, city, lat, lon, accessibility features)
LOCATIONS = {
    "partdieu": ("Espace Part-Dieu", "12 rue des Cuirassiers (fictif)", "69003", "Lyon", 45.7606, 4.8597, ["wheelchair", "accessible_toilet", "hearing_loop"]),
    "monplaisir": ("Antenne Monplaisir", "40 avenue des Frères Lumière (fictif)", "69008", "Lyon", 45.7440, 4.8700, ["wheelchair"]),
    "pentes": ("Cabinet des Pentes", "5 montée de la Grande Côte (fictif)", "69001", "Lyon", 45.7700, 4.8300, ["aphasia_friendly"]),
    "villeurbanne": ("Hôtel social", "8 place Lazare-Goujon (fictif)", "69100", "Villeurbanne", 45.7665, 4.8795, ["wheelchair", "disabled_parking", "easy_read"]),
    "venissieux": ("Garage central", "3 boulevard Laurent-Gérin (fictif)", "69200", "Vénissieux", 45.6973, 4.8859, []),
    "bron": ("Show-room Habitat", "21 avenue Franklin-Roosevelt (fictif)", "69500", "Bron", 45.7386, 4.9131, ["wheelchair", "disabled_parking"]),
    "caluire": ("Maison des aidants – Caluire", "2 montée des Forts (fictif)", "69300", "Caluire-et-Cuire", 45.7953, 4.8464, []),
    "stpriest": ("Piste d'évaluation", "15 rue Aristide-Briand (fictif)", "69800", "Saint-Priest", 45.6960, 4.9440, ["disabled_parking"]),
    "gerland": ("Gymnase de Gerland", "60 allée de Fontenay (fictif)", "69007", "Lyon", 45.7300, 4.8300, ["wheelchair", "accessible_toilet"]),
    "oullins": ("Centre du Val d'Yzeron", "1 chemin de la Rivière (fictif)", "69600", "Oullins", 45.7140, 4.8070, ["wheelchair", "accessible_toilet", "disabled_parking", "aphasia_friendly"]),
    "ecully": ("Community room", "4 chemin du Moulin Carron (fictif)", "69130", "Écully", 45.7747, 4.7775, []),
    "gerland_emploi": ("Agence Gerland", "10 rue du Vercors (fictif)", "69007", "Lyon", 45.7335, 4.8390, ["wheelchair"]),
}

# (key, org, name, description, categories, languages, fees, [(location, byday, opens, closes, valid_from, valid_to)], assured, extra)
SERVICES = [
    ("domicile", "ssiad", "Aide à domicile après un AVC",
     "Aide à la toilette, aux repas et aux gestes du quotidien pour les personnes rentrées à domicile après un AVC. Intervention sur prescription ou sur demande.",
     ["home_care"], ["fr"], "free_conditions", [("monplaisir", "MO,TU,WE,TH,FR", "08:00", "18:00", None, None)], "2026-01-15", {"features_home": True}),
    ("repas", "ccas", "Portage de repas à domicile",
     "Livraison de repas équilibrés à domicile, adaptés aux régimes (sans sel, texture modifiée).",
     ["meals"], ["fr"], "paid", [("villeurbanne", "MO,TU,WE,TH,FR,SA", "09:00", "12:00", None, None)], "2025-11-03", {}),
    ("transport", "transport", "Transport adapté à la demande",
     "Transport de porte à porte en véhicule adapté aux fauteuils roulants, sur réservation la veille.",
     ["transport"], ["fr"], "paid", [("venissieux", "MO,TU,WE,TH,FR,SA,SU", "07:00", "20:00", None, None)], "2025-12-01", {}),
    ("repit", "aidants", "Accueil de jour et répit des aidants",
     "Accueil de jour pour la personne aidée et temps de répit pour l'aidant : ateliers, sorties, relais à domicile.",
     ["respite", "caregiver_support"], ["fr"], "free_conditions", [("partdieu", "MO,TU,WE,TH,FR", "09:00", "17:00", None, None)], "2026-02-10", {}),
    ("cafe", "aidants", "Café des aidants",
     "Rencontre mensuelle et conviviale entre proches aidants, animée par une psychologue et une travailleuse sociale.",
     ["caregiver_support", "support_group"], ["fr"], "free", [("partdieu", "TH", "14:00", "16:00", "2025-09-01", "2026-06-30")], "2026-01-20",
     {"terms": [("openeligibility", "caregivers", "Caregivers")]}),
    ("parole", "avc", "Groupe de parole AVC",
     "Groupe de parole entre personnes ayant eu un AVC : partager son expérience, retrouver confiance, échanger des astuces.",
     ["support_group"], ["fr", "en"], "free", [("monplaisir", "TU", "18:00", "20:00", None, None)], "2026-02-01", {}),
    ("aphasia", "english", "Aphasia conversation group (English)",
     "A friendly conversation group in English for people living with aphasia after a stroke, with a speech and language therapist.",
     ["support_group", "speech_therapy"], ["en"], "free", [("pentes", "WE", "10:00", "11:30", None, None)], "2025-12-12", {}),
    ("orthophonie", "ortho", "Orthophonie et rééducation du langage",
     "Bilan et rééducation orthophonique de l'aphasie et des troubles de la déglutition après un AVC. Remboursé sur prescription.",
     ["speech_therapy"], ["fr"], "paid", [("pentes", "MO,TU,WE,TH,FR", "08:30", "12:30", None, None), ("pentes", "MO,TU,WE,TH,FR", "14:00", "19:00", None, None)], "2026-02-20",
     {}),
    ("mdph", "handicap", "Dossier MDPH : aide à la constitution",
     "Aide pour remplir le dossier de la maison départementale des personnes handicapées : carte mobilité inclusion, AAH, PCH.",
     ["disability_rights"], ["fr"], "free", [("partdieu", "MO,TU,TH", "09:00", "12:00", None, None)], "2026-01-05", {}),
    ("social", "ccas", "Permanence assistante sociale",
     "Accueil sans rendez-vous par une assistante sociale : aides financières, APA, démarches administratives.",
     ["benefits_admin"], ["fr"], "free", [("villeurbanne", "WE", "13:30", "17:00", None, None)], "2025-10-14", {}),
    ("ergo", "ergo", "Bilan ergothérapie et aménagement du logement",
     "Visite à domicile d'un ergothérapeute et conseils pour adapter la salle de bains, les escaliers et la cuisine.",
     ["home_adaptation", "occupational_therapy"], ["fr"], "paid", [("bron", "MO,TU,WE,TH,FR", "09:00", "17:00", None, None)], "2025-09-30", {}),
    ("pret", "ergo", "Prêt d'aides techniques",
     "Prêt gratuit de fauteuils roulants, déambulateurs et aides à la toilette le temps d'acheter le matériel définitif.",
     ["mobility_aids"], ["fr"], "free", [("bron", "WE,FR", "14:00", "18:00", None, None)], None, {}),
    ("apa", "sport", "Activité physique adaptée après AVC",
     "Séances collectives d'activité physique adaptée encadrées par un enseignant APA : équilibre, marche, renforcement.",
     ["social_leisure", "physiotherapy"], ["fr", "en"], "paid", [("gerland", "MO,TH", "10:00", "12:00", "2025-09-01", "2026-07-15")], "2026-02-15", {}),
    ("info", "avc", "Information AVC : comprendre et prévenir",
     "Fiches et visioconférences pour comprendre l'AVC, ses séquelles et la prévention de la récidive.",
     ["health_information"], ["fr"], "free", [], "2026-01-28", {"virtual": True}),
    ("emploi", "emploi", "Retour à l'emploi après un AVC",
     "Accompagnement personnalisé pour reprendre le travail : aménagement de poste, reconnaissance de la qualité de travailleur handicapé.",
     ["return_to_work"], ["fr"], "free", [("gerland_emploi", "MO,TU,WE,TH,FR", "09:00", "17:00", None, None)], "2025-12-18", {}),
    ("conduite", "conduite", "Évaluation de la reprise de la conduite",
     "Évaluation sur véhicule à double commande et adaptation du poste de conduite après un AVC.",
     ["driving"], ["fr"], "paid", [("stpriest", "SA", "09:00", "12:00", None, None)], "2023-11-15", {}),
    ("psy", "aidants", "Soutien psychologique pour aidants",
     "Entretiens individuels avec une psychologue pour les proches aidants. Fermé pendant les travaux du local.",
     ["psychological_support", "caregiver_support"], ["fr"], "free", [("caluire", "FR", "09:00", "12:00", None, None)], "2026-02-25", {"status": "temporarily closed"}),
    ("reeduc", "reeduc", "Rééducation neurologique en hôpital de jour",
     "Kinésithérapie, ergothérapie et orthophonie coordonnées en hôpital de jour après un AVC.",
     ["rehabilitation", "physiotherapy"], ["fr"], "free_conditions", [("oullins", "MO,TU,WE,TH,FR", "08:00", "19:00", None, None)], "2026-02-02", {}),
    ("coffee", "english", "Carers' coffee morning",
     "An informal coffee morning for family carers, in English and French. Come as you are.",
     ["caregiver_support"], ["en", "fr"], "free", [("ecully", "SA", "10:00", "12:00", None, None)], "2026-02-14", {}),
]

ORG_KEYS = list(ORGS)
LOC_KEYS = list(LOCATIONS)
SVC_KEYS = [s[0] for s in SERVICES]


def org_id(k):
    return uid(100 + ORG_KEYS.index(k))


def loc_id(k):
    return uid(200 + LOC_KEYS.index(k))


def svc_id(k):
    return uid(300 + SVC_KEYS.index(k))


def term(taxonomy, code, name=None, n=0):
    return {"id": uid(7000 + n), "taxonomy_term": {"id": uid(8000 + n), "taxonomy": taxonomy, "code": code, "name": name or code}}


# Terms a location carries that this build does not know: kept and reported on import.
LOCATION_TERMS = {"pentes": [("passerelle-accessibility", "tactile_paving", "Tactile paving")]}


def location_obj(k):
    extra_terms = LOCATION_TERMS.get(k, ())
    name, street, postal, city, lat, lon, features = LOCATIONS[k]
    i = LOC_KEYS.index(k)
    attrs = [term("passerelle-accessibility", f, f, 500 + i * 10 + j) for j, f in enumerate(features)]
    for j, (tx, code, label) in enumerate(extra_terms):
        attrs.append(term(tx, code, label, 900 + i * 10 + j))
    loc = {
        "id": loc_id(k),
        "location_type": "physical",
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "addresses": [{"id": uid(400 + i), "address_1": street, "city": city, "postal_code": postal, "country": "FR", "address_type": "physical"}],
        "accessibility": [{"id": uid(450 + i), "description": "Accès de plain-pied" if "wheelchair" in features else "Se renseigner par téléphone"}],
        "attributes": attrs,
    }
    return loc


def hsds_services():
    out = []
    for si, (key, org, name, desc, cats, langs, fees, places, assured, extra) in enumerate(SERVICES):
        oname, odesc, ophone = ORGS[org]
        s = {
            "id": svc_id(key),
            "name": name,
            "description": desc,
            "status": extra.get("status", "active"),
            "email": f"contact-{key}@example.org",
            "organization": {"id": org_id(org), "name": oname, "description": odesc, "email": f"{org}@example.org",
                             "phones": [phone(ORG_KEYS.index(org), ophone)]},
            "languages": [{"id": uid(600 + si * 5 + j), "code": l, "name": {"fr": "Français", "en": "English"}[l]} for j, l in enumerate(langs)],
            "attributes": [term("passerelle-category", c, c, si * 10 + j) for j, c in enumerate(cats)]
                          + [term("passerelle-fees", fees, fees, si * 10 + 8)]
                          + [term(tx, code, label, si * 10 + 9) for (tx, code, label) in extra.get("terms", [])],
            "phones": [phone(100 + si, f"+33 4 65 71 2{si // 10} {si % 10}0", "Du lundi au vendredi")],
            "schedules": [],
            "service_at_locations": [],
        }
        if assured:
            s["assured_date"] = assured
        by_loc = {}
        for (lk, byday, opens, closes, vf, vt) in places:
            by_loc.setdefault(lk, []).append((byday, opens, closes, vf, vt))
        for li, (lk, periods) in enumerate(by_loc.items()):
            sal = {"id": uid(1000 + si * 10 + li), "schedules": []}
            for pi, (byday, opens, closes, vf, vt) in enumerate(periods):
                sch = {"id": uid(2000 + si * 10 + li * 3 + pi), "freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes}
                if vf:
                    sch["valid_from"] = vf
                if vt:
                    sch["valid_to"] = vt
                sal["schedules"].append(sch)
            sal["location"] = location_obj(lk)
            s["service_at_locations"].append(sal)
        out.append(s)
    return out


def write_json(path, doc):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(h) is None else r.get(h) for h in header])


def hsds_csv(services):
    d = os.path.join(HERE, "lyon-hsds-csv")
    os.makedirs(d, exist_ok=True)
    orgs, locs, svcs, sals, phones, schedules, langs, access, addrs, attrs, terms = {}, {}, [], [], [], [], [], [], [], [], {}

    def add_attrs(obj, entity):
        for a in obj.get("attributes", []):
            t = a["taxonomy_term"]
            terms[t["id"]] = t
            attrs.append({"id": a["id"], "link_id": obj["id"], "taxonomy_term_id": t["id"], "link_entity": entity})

    for s in services:
        o = s["organization"]
        if o["id"] not in orgs:
            orgs[o["id"]] = o
            for p in o["phones"]:
                phones.append(dict(p, organization_id=o["id"]))
        row = {k: v for k, v in s.items() if not isinstance(v, (list, dict))}
        row["organization_id"] = o["id"]
        svcs.append(row)
        add_attrs(s, "service")
        for p in s["phones"]:
            phones.append(dict(p, service_id=s["id"]))
        for l in s["languages"]:
            langs.append(dict(l, service_id=s["id"]))
        for sal in s["service_at_locations"]:
            loc = sal["location"]
            sals.append({"id": sal["id"], "service_id": s["id"], "location_id": loc["id"]})
            for sc in sal["schedules"]:
                schedules.append(dict(sc, service_at_location_id=sal["id"]))
            if loc["id"] not in locs:
                locs[loc["id"]] = loc
                for a in loc["addresses"]:
                    addrs.append(dict(a, location_id=loc["id"]))
                for a in loc["accessibility"]:
                    access.append(dict(a, location_id=loc["id"]))
                add_attrs(loc, "location")
    write_csv(os.path.join(d, "organizations.csv"), ["id", "name", "alternate_name", "description", "email", "website"], orgs.values())
    write_csv(os.path.join(d, "services.csv"), ["id", "organization_id", "name", "alternate_name", "description", "url", "email", "status", "assured_date"], svcs)
    write_csv(os.path.join(d, "locations.csv"), ["id", "location_type", "name", "description", "latitude", "longitude"],
              [{k: v for k, v in l.items() if not isinstance(v, (list, dict))} for l in locs.values()])
    write_csv(os.path.join(d, "service_at_location.csv"), ["id", "service_id", "location_id", "description"], sals)
    write_csv(os.path.join(d, "phones.csv"), ["id", "organization_id", "service_id", "location_id", "service_at_location_id", "number", "extension", "type", "description"], phones)
    write_csv(os.path.join(d, "schedules.csv"), ["id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "freq", "byday", "opens_at", "closes_at", "description"], schedules)
    write_csv(os.path.join(d, "languages.csv"), ["id", "service_id", "location_id", "name", "code"], langs)
    write_csv(os.path.join(d, "addresses.csv"), ["id", "location_id", "address_1", "address_2", "city", "region", "state_province", "postal_code", "country", "address_type"], addrs)
    write_csv(os.path.join(d, "accessibility.csv"), ["id", "location_id", "description", "details", "url"], access)
    write_csv(os.path.join(d, "attributes.csv"), ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "label"], attrs)
    write_csv(os.path.join(d, "taxonomy_terms.csv"), ["id", "code", "name", "description", "parent_id", "taxonomy", "language"], terms.values())


def data_inclusion():
    structures = [
        {"source": "dora", "id": "str-001", "nom": "France Services Vaulx-en-Velin (exemple fictif)", "description": "Guichet unique d'accès aux services publics : accompagnement dans les démarches administratives.",
         "date_maj": "2026-01-12", "commune": "Vaulx-en-Velin", "code_postal": "69120", "adresse": "7 rue Jules-Romains (fictif)", "latitude": 45.7787, "longitude": 4.9216,
         "telephone": "+33465713001", "courriel": "franceservices-vaulx@example.org", "horaires_accueil": "Mo-Fr 09:00-12:00,13:30-17:00; PH off"},
        {"source": "dora", "id": "str-002", "nom": "Centre social des Étoiles (fictif)", "description": "Centre social de quartier : ateliers, lien social, accompagnement des familles.",
         "date_maj": "2025-12-02", "commune": "Vénissieux", "code_postal": "69200", "adresse": "22 avenue de la Division-Leclerc (fictif)", "latitude": 45.7000, "longitude": 4.8800,
         "telephone": "+33465713002", "horaires_accueil": "Mo-Fr 08:30-18:00; Sa 09:00-12:00"},
        {"source": "soliguide", "id": "str-10", "nom": "Association Répit Familles Rhône (fictive)", "description": "Soutien aux familles et aux proches aidants de personnes malades ou handicapées.",
         "date_maj": "2026-02-01", "commune": "Lyon", "code_postal": "69009", "adresse": "9 quai Arloing (fictif)", "latitude": 45.7740, "longitude": 4.8050,
         "accessibilite_lieu": "https://acceslibre.example.org/erp/repit-familles-rhone/", "horaires_accueil": "Tu-Th 10:00-18:00"},
        {"source": "dora", "id": "str-003", "nom": "Plateforme mobilité solidaire (fictive)", "description": "Conseil en mobilité et transport solidaire pour les personnes sans solution de transport.",
         "date_maj": "2024-06-30", "commune": "Lyon", "code_postal": "69007"},
    ]
    services = [
        {"source": "dora", "id": "svc-001", "structure_id": "str-001", "nom": "Accompagnement aux démarches administratives",
         "description": "Aide pour les démarches en ligne : CAF, assurance maladie, retraite, impôts.", "date_maj": "2026-01-12",
         "thematiques": ["acces-aux-droits-et-citoyennete--accompagnement-dans-les-demarches-administratives", "numerique--realiser-des-demarches-administratives-avec-un-accompagnement"],
         "frais": "gratuit", "modes_accueil": ["en-presentiel"]},
        {"source": "dora", "id": "svc-002", "structure_id": "str-001", "nom": "Faire reconnaître un handicap (dossier MDPH)",
         "description": "Accompagnement pour constituer et suivre un dossier auprès de la MDPH.", "date_maj": "2026-01-12",
         "thematiques": ["handicap--faire-reconnaitre-un-handicap"], "frais": "gratuit", "horaires_accueil": "Tu,Th 14:00-17:00"},
        {"source": "dora", "id": "svc-003", "structure_id": "str-002", "nom": "Atelier lien social et bien-être",
         "description": "Ateliers hebdomadaires de convivialité : cuisine, jeux, sorties culturelles.", "date_maj": "2025-12-02",
         "thematiques": ["remobilisation--lien-social"], "frais": "adhesion", "frais_precisions": "10 € d'adhésion annuelle"},
        {"source": "soliguide", "id": "svc-20", "structure_id": "str-10", "nom": "Soutien aux familles et aux aidants",
         "description": "Écoute, informations et groupes d'échange pour les proches aidants.", "date_maj": "2026-02-01",
         "thematiques": ["famille--soutien-aux-familles", "famille--soutien-aux-aidants"], "frais": "gratuit-sous-conditions"},
        {"source": "dora", "id": "svc-004", "structure_id": "str-003", "nom": "Transport solidaire pour rendez-vous médicaux",
         "description": "Des bénévoles conduisent aux rendez-vous médicaux et de rééducation les personnes sans solution de transport.", "date_maj": "2026-01-30",
         "thematiques": ["mobilite--etre-accompagne-dans-son-parcours-mobilite"], "frais": "payant", "frais_precisions": "Participation de 2 € par trajet",
         "commune": "Lyon", "code_postal": "69007", "adresse": "48 rue de Gerland (fictif)", "latitude": 45.7270, "longitude": 4.8330, "horaires_accueil": "Mo-Fr 08:00-18:00",
         "telephone": "+33465713004"},
        {"source": "dora", "id": "svc-005", "structure_id": "str-002", "nom": "Aide à la personne à domicile",
         "description": "Aide au lever, au coucher et aux courses pour les personnes en perte d'autonomie.", "date_maj": "2025-12-02",
         "thematiques": ["handicap--aide-a-la-personne"], "frais": "payant", "modes_accueil": ["en-presentiel"]},
        {"source": "dora", "id": "svc-006", "structure_id": "str-001", "nom": "Ateliers numériques santé",
         "description": "Apprendre à utiliser son espace santé et à prendre rendez-vous en ligne.", "date_maj": "2026-01-12",
         "thematiques": ["numerique--accompagner-les-demarches-de-sante"], "frais": "gratuit", "horaires_accueil": "Jan-Jun Mo 10:00-12:00"},
    ]
    return {"structures": structures, "services": services}


def main():
    services = hsds_services()
    write_json(os.path.join(HERE, "lyon-hsds.json"), services)
    hsds_csv(services)
    write_json(os.path.join(HERE, "lyon-data-inclusion.json"), data_inclusion())


if __name__ == "__main__":
    main()
