import ACH

/// A seeded generator (SplitMix64, the NACHA generator's): the same numbers from the same seed, so a randomized test
/// fails the same way again.
public typealias SeededGenerator = NACHAGenerator.Random
