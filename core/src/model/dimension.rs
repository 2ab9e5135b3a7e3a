//! The five dimensions of peer support after stroke (Disabil Rehabil 2023): the taxonomy that
//! check-ins record, resources are tagged with and reports count.

use super::codes::code_enum;

code_enum! {
    /// One dimension of peer support.
    pub enum Dimension as "dimension" {
        /// Finding one's way in the healthcare pathway: appointments, who does what.
        HealthcarePathway = "healthcare_pathway",
        /// Social and administrative procedures: disability files, benefits, work, driving.
        SocialAdministrative = "social_administrative",
        /// Emotional support: listening, hope grounded in lived experience.
        Emotional = "emotional",
        /// Informational support: stroke, recovery, practical tips.
        Informational = "informational",
        /// Support for the informal caregiver.
        CaregiverSupport = "caregiver_support",
    }
}

impl Dimension {
    /// The bit of this dimension in a stored set.
    pub(crate) fn bit(self) -> i64 {
        1 << (self as i64)
    }

    /// The set of `dims` as stored (an integer bitset).
    pub(crate) fn to_bits(dims: &[Self]) -> i64 {
        dims.iter().fold(0, |acc, d| acc | d.bit())
    }

    /// The dimensions in a stored set, in declaration order.
    pub(crate) fn from_bits(bits: i64) -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|d| bits & d.bit() != 0)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitset_round_trips_and_orders() {
        let dims = [
            Dimension::CaregiverSupport,
            Dimension::Emotional,
            Dimension::Emotional,
        ];
        let bits = Dimension::to_bits(&dims);
        assert_eq!(
            Dimension::from_bits(bits),
            vec![Dimension::Emotional, Dimension::CaregiverSupport]
        );
        assert_eq!(Dimension::to_bits(Dimension::ALL), 31);
    }

    #[test]
    fn unknown_codes_are_typed_errors() {
        assert_eq!(Dimension::parse("emotional").unwrap(), Dimension::Emotional);
        let err = Dimension::parse("spiritual").unwrap_err();
        assert!(matches!(
            err,
            crate::Error::UnknownCode {
                kind: "dimension",
                ..
            }
        ));
    }
}
