//! Coordinates and distances: WGS84 points checked on the way in, great-circle distance by the
//! haversine formula (a few metres off at city scale, which is all ranking needs).

use crate::error::{Error, Problem, Result};

/// A point on Earth in decimal degrees (WGS84).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GeoPoint {
    /// Latitude, −90 to 90.
    pub latitude: f64,
    /// Longitude, −180 to 180.
    pub longitude: f64,
}

/// Mean Earth radius in kilometres.
const EARTH_RADIUS_KM: f64 = 6_371.0;

impl GeoPoint {
    /// Checks the point is on Earth; `field` names it in the error (`near`, `location.latitude`).
    pub(crate) fn checked(self, lat_field: &'static str, lon_field: &'static str) -> Result<Self> {
        check_coordinate(lat_field, self.latitude, 90.0)?;
        check_coordinate(lon_field, self.longitude, 180.0)?;
        Ok(self)
    }

    /// Great-circle distance to `other`, in kilometres.
    pub fn distance_km(self, other: Self) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.longitude - self.longitude).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }

    /// Whether `other` is certainly more than `km` away, from the latitudes alone: no place
    /// is nearer than its north–south distance. A few operations instead of the trigonometry
    /// of [`GeoPoint::distance_km`], for rejecting most of a region before measuring.
    pub fn surely_farther_than(self, other: Self, km: f64) -> bool {
        let north_south = EARTH_RADIUS_KM * (other.latitude - self.latitude).abs().to_radians();
        // The margin keeps rounding from rejecting a place exactly at the limit.
        north_south > km * (1.0 + 1e-9) + 1e-9
    }
}

/// A latitude (`max` 90) or longitude (`max` 180): finite and within ±`max`.
pub(crate) fn check_coordinate(field: &'static str, value: f64, max: f64) -> Result<()> {
    if value.is_finite() && (-max..=max).contains(&value) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            Problem::OutOfRange {
                min: -(max as i64),
                max: max as i64,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_plausible() {
        let bellecour = GeoPoint {
            latitude: 45.7578,
            longitude: 4.8320,
        };
        let part_dieu = GeoPoint {
            latitude: 45.7606,
            longitude: 4.8597,
        };
        let d = bellecour.distance_km(part_dieu);
        assert!((2.0..2.4).contains(&d), "{d}");
        assert!(bellecour.distance_km(bellecour).abs() < 1e-9);
        let antipode = GeoPoint {
            latitude: -45.7578,
            longitude: -175.168,
        };
        assert!((bellecour.distance_km(antipode) - 20_015.0).abs() < 5.0);
    }

    #[test]
    fn impossible_coordinates_are_refused() {
        let p = |latitude, longitude| GeoPoint {
            latitude,
            longitude,
        };
        assert!(p(45.0, 4.0).checked("lat", "lon").is_ok());
        assert!(p(90.5, 4.0).checked("lat", "lon").is_err());
        assert!(p(45.0, -180.1).checked("lat", "lon").is_err());
        assert!(p(f64::NAN, 4.0).checked("lat", "lon").is_err());
    }

    /// The quick rejection never rejects a place the exact distance keeps: checked over a
    /// grid of places around Lyon and limits from 0 to 50 km.
    #[test]
    fn the_latitude_test_only_rejects_what_is_farther() {
        let centre = GeoPoint {
            latitude: 45.76,
            longitude: 4.84,
        };
        let mut rejected = 0;
        for i in -40..=40 {
            for j in -40..=40 {
                let at = GeoPoint {
                    latitude: 45.76 + f64::from(i) * 0.01,
                    longitude: 4.84 + f64::from(j) * 0.013,
                };
                for km in [0.0, 0.5, 2.0, 10.0, 25.0, 50.0] {
                    if centre.surely_farther_than(at, km) {
                        rejected += 1;
                        assert!(centre.distance_km(at) > km, "{at:?} within {km} km");
                    }
                }
            }
        }
        assert!(rejected > 10_000, "the test rejects little: {rejected}");
        // A place due north exactly at the limit is kept.
        let north = GeoPoint {
            latitude: 45.76 + (10.0 / EARTH_RADIUS_KM).to_degrees(),
            longitude: 4.84,
        };
        assert!(!centre.surely_farther_than(north, 10.0));
    }
}
