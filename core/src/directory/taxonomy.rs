//! The directory's closed vocabularies: service categories (our documented taxonomy), fees,
//! status, location types and accessibility features, with their stable codes, their French and
//! English labels (indexed for search, shown by the apps), the dimensions of peer support each
//! category serves, and how foreign taxonomies (data·inclusion thématiques) map onto them.
//!
//! In HSDS files the codes travel as taxonomy terms of the taxonomies named by the `TAXONOMY_*`
//! constants; see docs/directory.md for the full table.

use crate::model::codes::code_enum;
use crate::model::dimension::Dimension;

/// HSDS taxonomy name of [`Category`] terms.
pub const TAXONOMY_CATEGORY: &str = "passerelle-category";
/// HSDS taxonomy name of [`Dimension`] terms.
pub const TAXONOMY_DIMENSION: &str = "passerelle-dimension";
/// HSDS taxonomy name of [`Fees`] terms.
pub const TAXONOMY_FEES: &str = "passerelle-fees";
/// HSDS taxonomy name of [`AccessFeature`] terms (on locations).
pub const TAXONOMY_ACCESS: &str = "passerelle-accessibility";
/// HSDS taxonomy name under which data·inclusion thématiques are kept.
pub const TAXONOMY_DATA_INCLUSION: &str = "data-inclusion-thematiques";

code_enum! {
    /// What kind of help a service gives: the directory's documented taxonomy.
    pub enum Category as "category" {
        /// Help at home: personal care, housework (aide à domicile).
        HomeCare = "home_care",
        /// Meals delivered at home (portage de repas).
        Meals = "meals",
        /// Adapted or on-demand transport (transport adapté).
        Transport = "transport",
        /// Short breaks for the caregiver: day care, temporary stays (répit).
        Respite = "respite",
        /// Information, training and groups for caregivers (soutien aux aidants).
        CaregiverSupport = "caregiver_support",
        /// Disability files and rights: MDPH, disability card, allowances.
        DisabilityRights = "disability_rights",
        /// Benefits and paperwork: social workers, financial help, legal advice.
        BenefitsAdmin = "benefits_admin",
        /// Peer and support groups (groupes de parole).
        SupportGroup = "support_group",
        /// Psychologists, counselling.
        PsychologicalSupport = "psychological_support",
        /// Speech and language therapy (orthophonie), aphasia.
        SpeechTherapy = "speech_therapy",
        /// Physiotherapy (kinésithérapie).
        Physiotherapy = "physiotherapy",
        /// Occupational therapy (ergothérapie).
        OccupationalTherapy = "occupational_therapy",
        /// Rehabilitation and medical follow-up after stroke.
        Rehabilitation = "rehabilitation",
        /// Information on stroke, prevention and health.
        HealthInformation = "health_information",
        /// Adapting the home (aménagement du logement).
        HomeAdaptation = "home_adaptation",
        /// Technical aids: wheelchairs, walking aids, lending and advice.
        MobilityAids = "mobility_aids",
        /// Leisure, adapted sport, social life.
        SocialLeisure = "social_leisure",
        /// Going back to work, vocational rehabilitation.
        ReturnToWork = "return_to_work",
        /// Driving again after a stroke.
        Driving = "driving",
    }
}

code_enum! {
    /// Whether using a service costs something.
    pub enum Fees as "fees" {
        /// Free for everyone.
        Free = "free",
        /// Free under conditions (income, situation, prescription).
        FreeConditions = "free_conditions",
        /// Paid (membership, fee, co-payment).
        Paid = "paid",
    }
}

code_enum! {
    /// A service's status, as HSDS defines it.
    pub enum ServiceStatus as "service status" {
        /// Running.
        Active = "active",
        /// Not running at present.
        Inactive = "inactive",
        /// Closed for good.
        Defunct = "defunct",
        /// Closed for a while.
        TemporarilyClosed = "temporarily closed",
    }
}

code_enum! {
    /// What a location is, as HSDS defines it.
    pub enum LocationType as "location type" {
        /// A place people go to.
        Physical = "physical",
        /// A postal address only.
        Postal = "postal",
        /// Online or by phone.
        Virtual = "virtual",
    }
}

code_enum! {
    /// Accessibility of a place for people after a stroke.
    pub enum AccessFeature as "accessibility feature" {
        /// Step-free entrance and circulation for a wheelchair.
        Wheelchair = "wheelchair",
        /// An accessible toilet.
        AccessibleToilet = "accessible_toilet",
        /// Parking for disabled people close to the entrance.
        DisabledParking = "disabled_parking",
        /// An induction loop for hearing aids.
        HearingLoop = "hearing_loop",
        /// Easy-to-read or pictorial information (aphasia-friendly).
        EasyRead = "easy_read",
        /// Staff trained to communicate with people with aphasia.
        AphasiaFriendly = "aphasia_friendly",
        /// Comes to the person's home.
        HomeVisits = "home_visits",
    }
}

/// A bitset of code values, for the stored INTEGER columns.
pub(crate) fn to_bits<T: Copy + PartialEq>(all: &[T], items: &[T]) -> i64 {
    all.iter()
        .enumerate()
        .filter(|(_, v)| items.contains(v))
        .fold(0, |acc, (i, _)| acc | (1 << i))
}

/// The values of a stored bitset, in declaration order.
pub(crate) fn from_bits<T: Copy>(all: &[T], bits: i64) -> Vec<T> {
    all.iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, v)| *v)
        .collect()
}

impl Category {
    /// French and English labels (the French one first).
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Self::HomeCare => ("Aide à domicile", "Home care"),
            Self::Meals => ("Portage de repas", "Meals on wheels"),
            Self::Transport => ("Transport adapté", "Adapted transport"),
            Self::Respite => ("Répit des aidants", "Respite care"),
            Self::CaregiverSupport => ("Soutien aux aidants", "Caregiver support"),
            Self::DisabilityRights => ("Droits et dossier handicap (MDPH)", "Disability rights"),
            Self::BenefitsAdmin => ("Démarches et aides sociales", "Benefits and paperwork"),
            Self::SupportGroup => ("Groupe de parole", "Support group"),
            Self::PsychologicalSupport => ("Soutien psychologique", "Psychological support"),
            Self::SpeechTherapy => ("Orthophonie, aphasie", "Speech therapy, aphasia"),
            Self::Physiotherapy => ("Kinésithérapie", "Physiotherapy"),
            Self::OccupationalTherapy => ("Ergothérapie", "Occupational therapy"),
            Self::Rehabilitation => ("Rééducation et suivi médical", "Rehabilitation"),
            Self::HealthInformation => ("Information santé, AVC", "Stroke information"),
            Self::HomeAdaptation => ("Aménagement du logement", "Home adaptation"),
            Self::MobilityAids => ("Aides techniques", "Mobility aids"),
            Self::SocialLeisure => ("Loisirs et lien social", "Leisure and social life"),
            Self::ReturnToWork => ("Retour à l'emploi", "Return to work"),
            Self::Driving => ("Reprise de la conduite", "Driving again"),
        }
    }

    /// The dimensions of peer support a service of this category serves, used when a source
    /// does not say (HSDS files may carry explicit `passerelle-dimension` terms instead).
    pub fn dimensions(self) -> &'static [Dimension] {
        use Dimension as D;
        match self {
            Self::HomeCare | Self::Meals | Self::Transport | Self::BenefitsAdmin => {
                &[D::SocialAdministrative]
            }
            Self::Respite => &[D::CaregiverSupport],
            Self::CaregiverSupport => &[D::CaregiverSupport, D::Emotional],
            Self::DisabilityRights | Self::ReturnToWork => &[D::SocialAdministrative],
            Self::SupportGroup | Self::SocialLeisure => &[D::Emotional],
            Self::PsychologicalSupport => &[D::Emotional, D::HealthcarePathway],
            Self::SpeechTherapy
            | Self::Physiotherapy
            | Self::OccupationalTherapy
            | Self::Rehabilitation => &[D::HealthcarePathway],
            Self::HealthInformation => &[D::Informational],
            Self::HomeAdaptation | Self::MobilityAids | Self::Driving => {
                &[D::Informational, D::SocialAdministrative]
            }
        }
    }
}

impl AccessFeature {
    /// French and English labels.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Self::Wheelchair => ("Accès fauteuil roulant", "Wheelchair access"),
            Self::AccessibleToilet => ("Toilettes adaptées", "Accessible toilet"),
            Self::DisabledParking => ("Stationnement PMR", "Disabled parking"),
            Self::HearingLoop => ("Boucle magnétique", "Hearing loop"),
            Self::EasyRead => ("Facile à lire et à comprendre", "Easy read"),
            Self::AphasiaFriendly => ("Accueil adapté à l'aphasie", "Aphasia friendly"),
            Self::HomeVisits => ("Intervention à domicile", "Home visits"),
        }
    }
}

/// The category a data·inclusion thématique maps to, if any. Parents map only where the whole
/// theme fits one category; everything else is kept as a term and reported.
pub(crate) fn category_for_thematique(code: &str) -> Option<Category> {
    use Category as C;
    Some(match code {
        "handicap--aide-a-la-personne" | "equipement-et-alimentation--aide-menagere" => C::HomeCare,
        "equipement-et-alimentation--alimentation" => C::Meals,
        "handicap--mobilite-des-personnes-en-situation-de-handicap"
        | "mobilite--comprendre-et-utiliser-les-transports-en-commun"
        | "mobilite--etre-accompagne-dans-son-parcours-mobilite" => C::Transport,
        "famille--soutien-aux-familles" => C::CaregiverSupport,
        "handicap"
        | "handicap--faire-reconnaitre-un-handicap"
        | "handicap--connaissance-des-droits-des-travailleurs" => C::DisabilityRights,
        "acces-aux-droits-et-citoyennete--accompagnement-dans-les-demarches-administratives"
        | "acces-aux-droits-et-citoyennete--connaitre-ses-droits"
        | "gestion-financiere--beneficier-daides-financieres" => C::BenefitsAdmin,
        "sante--bien-etre-psychologique" | "sante--accompagner-les-traumatismes" => {
            C::PsychologicalSupport
        }
        "sante--acces-aux-soins" | "sante--se-soigner-et-prevenir-la-maladie" => C::Rehabilitation,
        "sante--prevention-et-acces-aux-soins" => C::HealthInformation,
        "handicap--adapter-son-logement" | "logement-hebergement--besoin-dadapter-mon-logement" => {
            C::HomeAdaptation
        }
        "remobilisation--lien-social" | "remobilisation--bien-etre" => C::SocialLeisure,
        "handicap--favoriser-le-retour-et-le-maintien-dans-lemploi"
        | "handicap--adaptation-au-poste-de-travail" => C::ReturnToWork,
        "mobilite--preparer-son-permis-de-conduire-se-reentrainer-a-la-conduite" => C::Driving,
        _ => return None,
    })
}

/// The fees value of a data·inclusion `frais` code.
pub(crate) fn fees_for_frais(code: &str) -> Option<Fees> {
    match code {
        "gratuit" => Some(Fees::Free),
        "gratuit-sous-conditions" => Some(Fees::FreeConditions),
        "payant" | "adhesion" => Some(Fees::Paid),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitsets_round_trip_in_declaration_order() {
        let bits = to_bits(
            Category::ALL,
            &[Category::Driving, Category::HomeCare, Category::Driving],
        );
        assert_eq!(
            from_bits(Category::ALL, bits),
            vec![Category::HomeCare, Category::Driving]
        );
        assert!(Category::ALL.len() < 63, "a category bitset fits an i64");
    }

    #[test]
    fn every_category_serves_a_dimension() {
        for c in Category::ALL {
            assert!(!c.dimensions().is_empty(), "{c}");
            let (fr, en) = c.labels();
            assert!(!fr.is_empty() && !en.is_empty());
        }
    }

    #[test]
    fn thematiques_map_or_are_left_alone() {
        assert_eq!(
            category_for_thematique("handicap--faire-reconnaitre-un-handicap"),
            Some(Category::DisabilityRights)
        );
        assert_eq!(category_for_thematique("trouver-un-emploi"), None);
        assert_eq!(fees_for_frais("gratuit"), Some(Fees::Free));
        assert_eq!(fees_for_frais("pass-numerique"), None);
    }
}
