#!/usr/bin/env python3
"""Solve the route benchmark's instances with Google OR-Tools' routing solver, for comparison.

Reads a JSON list of jobs written by `route-benchmark --ortools`:
  [{"name": ..., "n": N, "matrix": "path to N*N little-endian float64 costs", "time_limit_s": T}, ...]
and prints one JSON object per line: {"name", "length", "seconds", "status"}.

Same matrix (rounded to integers: OR-Tools works in int64, the TSPLIB costs already are integers), same time
limit as ours. First solution PATH_CHEAPEST_ARC (OR-Tools' default), improved by GUIDED_LOCAL_SEARCH, its
strongest metaheuristic, which runs until the time limit. The matrix is registered with RegisterTransitMatrix
so no Python callback sits in the solver's inner loop.
"""
import json
import sys
import time

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2


def solve(job):
    n = job["n"]
    matrix = np.fromfile(job["matrix"], dtype="<f8").reshape(n, n)
    costs = np.rint(matrix).astype(np.int64).tolist()
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(costs)
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(job["time_limit_s"] * 1000))
    started = time.monotonic()
    solution = routing.SolveWithParameters(params)
    seconds = time.monotonic() - started
    if solution is None:
        return {"name": job["name"], "length": None, "seconds": seconds, "status": "no solution"}
    index = routing.Start(0)
    order = []
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    length = sum(matrix[order[k], order[(k + 1) % n]] for k in range(n))
    return {"name": job["name"], "length": float(length), "seconds": seconds, "status": "ok"}


def main():
    jobs = json.load(open(sys.argv[1]))
    for job in jobs:
        print(json.dumps(solve(job)), flush=True)


if __name__ == "__main__":
    main()
