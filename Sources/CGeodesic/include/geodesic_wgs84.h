#ifndef AUDIOGID_GEODESIC_WGS84_H
#define AUDIOGID_GEODESIC_WGS84_H

// Karney's geodesics on the WGS84 ellipsoid, from GeographicLib (Debian's libgeographiclib), as two C functions
// Swift can call. GeographicLib is Karney's own C++ implementation; it needs only the C++ runtime, where PROJ
// (which carries the same algorithm in C) would load libcurl, GnuTLS and Kerberos into the kiosk's daemon.

#ifdef __cplusplus
extern "C" {
#endif

/// The geodesic from (lat1, lon1) to (lat2, lon2), degrees: its length in metres and the azimuths at each end
/// (degrees clockwise from north).
void audiogid_geodesic_inverse(double lat1, double lon1, double lat2, double lon2,
                               double *distance, double *azimuth1, double *azimuth2);

/// The point `distance` metres from (lat1, lon1) along `azimuth1` degrees.
void audiogid_geodesic_direct(double lat1, double lon1, double azimuth1, double distance,
                              double *lat2, double *lon2);

#ifdef __cplusplus
}
#endif

#endif
