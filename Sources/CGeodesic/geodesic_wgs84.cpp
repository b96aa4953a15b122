#include "geodesic_wgs84.h"

#include <GeographicLib/Geodesic.hpp>

// Geodesic::WGS84() is a function-local static built once (thread-safe in C++11) and const afterwards,
// so every thread may share it.

extern "C" void audiogid_geodesic_inverse(double lat1, double lon1, double lat2, double lon2,
                                          double *distance, double *azimuth1, double *azimuth2) {
    GeographicLib::Geodesic::WGS84().Inverse(lat1, lon1, lat2, lon2, *distance, *azimuth1, *azimuth2);
}

extern "C" void audiogid_geodesic_direct(double lat1, double lon1, double azimuth1, double distance,
                                         double *lat2, double *lon2) {
    GeographicLib::Geodesic::WGS84().Direct(lat1, lon1, azimuth1, distance, *lat2, *lon2);
}
