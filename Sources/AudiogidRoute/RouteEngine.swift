// The route engine: geodesic distances, path networks, walk and sail times, stop ordering.
enum RouteEngine {}
