import Foundation
import Testing
import LindynIntegrator
@testable import LindynModels

/// Mutated problem files never crash the loader, the integrator, the descent or the formulas:
/// every file either loads or is refused with a `ProblemFileError` naming a field, and every
/// run that starts ends with a result (success or a failure status), never a trap. The
/// mutations come from a seeded generator, so a failure reproduces.
@Suite struct ProblemFuzzTests {
    static let shipped: [String] = {
        let dir = URL(fileURLWithPath: LindynRepository.path("Validation/problems"))
        let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
            .compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }()

    /// Replacement values: extremes, wrong types, empties.
    static let replacements: [InputJSON] = [
        .number(0), .number(-1), .number(1e308), .number(-1e308), .number(.leastNonzeroMagnitude), .number(0.5), .number(3), .number(4097),
        .number(2.5), .string("x"), .string("1/0"), .string("log(-1)"), .string("(("), .null, .bool(true), .array([]),
        .array([.number(1)]), .object([]),
    ]

    /// Further replacements for ``refusedInputs``: spans past 2^63, fractions where whole
    /// numbers belong.
    static let sizeReplacements: [InputJSON] = replacements + [
        .number(1e19), .number(9.3e18), .number(1.5), .array([.number(2.5), .number(2.5)]),
    ]

    static func paths(_ value: InputJSON, _ prefix: [String] = []) -> [[String]] {
        switch value {
        case .object(let pairs): return [prefix] + pairs.flatMap { paths($0.1, prefix + [$0.0]) }
        case .array(let items): return [prefix] + items.indices.flatMap { paths(items[$0], prefix + [String($0)]) }
        default: return [prefix]
        }
    }

    /// Keeps a loaded problem cheap to run: few output points, a step budget, short descents,
    /// small networks only.
    static func bounded(_ problem: Problem) -> Problem? {
        var p = problem
        if p.dynamics.initialState.count > 2_000 { return nil }
        p.solver.maxSteps = min(p.solver.maxSteps == 0 ? 5_000 : p.solver.maxSteps, 5_000)
        let end = min(p.time.end, p.time.start + 2_000)
        guard end > p.time.start else { return nil }
        p.time = TimeSpec(start: p.time.start, end: end, points: 11)
        p.descent.runs = min(p.descent.runs, 3)
        return p
    }

    @Test func mutatedProblemFilesNeverCrash() throws {
        #expect(Self.shipped.count >= 8)
        var generator = SeededGenerator(seed: 2026)
        var loaded = 0, refused = 0
        for round in 0..<600 {
            let text = Self.shipped[round % Self.shipped.count]
            var document = try InputJSON.parse(text)
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let all = Self.paths(document).filter { !$0.isEmpty }
                let path = all[Int(generator.next() % UInt64(all.count))]
                let value = Self.replacements[Int(generator.next() % UInt64(Self.replacements.count))]
                document = (try? document.setting(path, to: value)) ?? document
            }
            let problem: Problem
            do {
                problem = try Problem.load(document)
            } catch {
                #expect(!error.field.isEmpty && !error.message.isEmpty)
                refused += 1
                continue
            }
            loaded += 1
            guard let p = Self.bounded(problem) else { continue }
            let runs: [(Problem) throws -> RunResult] = [
                { try Simulation.integrate($0) }, { try Simulation.descend($0) }, { try Formula.evaluate($0, requireLearned: false) },
            ]
            for run in runs {
                do {
                    let result = try run(p)
                    // No NaN passed off as a success.
                    if result.succeeded { #expect(result.rows.allSatisfy { $0.allSatisfy(\.isFinite) }) }
                } catch let error as InputError {
                    #expect(!error.field.isEmpty)
                } catch {
                    Issue.record("a run threw \(type(of: error)), not an InputError: \(error)")
                }
            }
        }
        // The mutations exercise both paths.
        #expect(loaded > 50 && refused > 50, "loaded \(loaded), refused \(refused)")
    }

    /// Inputs that were once accepted (a wrong number with exit 0, or a trap) and are now refused
    /// with the field named: when the file loads, by the method that cannot honour it. Each is
    /// also mutated like the shipped files (one further change), which must never crash.
    static let refusedInputs: [(text: String, field: String)] = [
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "solver": 3}"#, "solver"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "descent": []}"#, "descent"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "formula": true}"#, "formula"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "dropout": 1}, "time": {"end": 2}}"#, "model.dropout"),
        (#"{"model": {"kind": "network", "widths": [2, 2], "singular_values": [1], "init": 0.1}, "time": {"end": 2}}"#, "model.init"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "samples": 1.5}, "time": {"end": 2}}"#, "model.samples"),
        (#"{"model": {"kind": "network", "widths": [2, 2], "singular_values": [1], "samples": 1e-3}, "time": {"end": 2}}"#, "model.samples"),
        (#"{"model": {"kind": "autoencoder", "eigenvalues": [1], "hidden": 1, "samples": 2.5}, "time": {"end": 2}}"#, "model.samples"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "depth": 3, "noise_variance": 0.1}, "time": {"end": 2}}"#, "model.noise_variance"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 1e19}}"#, "time.end"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"start": -9.3e18, "end": 1}}"#, "time.end"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 10, "at": [0.5]}}"#, "time.at"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 10.5, "at": [1, 2]}}"#, "time.end"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100, "dropout": {"keep": 0.5}}, "time": {"end": 10}, "descent": {"runs": 1000000, "monte_carlo": true}}"#, "descent.runs"),
        (#"{"model": {"kind": "network", "widths": [50, 50], "singular_values": [1]}, "time": {"end": 1}, "solver": {"stepper": "msbdf"}}"#, "solver.stepper"),
        (#"{"model": {"kind": "mode", "s": 2, "u0": 0.01}, "time": {"end": 2}, "solver": {"hstart": "automatic"}}"#, "solver.hstart"),
    ]

    @Test func onceAcceptedInputsAreRefusedNamingTheField() throws {
        var generator = SeededGenerator(seed: 9)
        for (text, field) in Self.refusedInputs {
            let named: String?
            do {
                let problem = try Problem.load(text: text)
                // Loaded: the method that cannot honour the setting refuses it.
                let method: (Problem) throws -> RunResult = field.hasPrefix("time") || field.hasPrefix("descent")
                    ? { try Simulation.descend($0) } : { try Simulation.integrate($0) }
                do {
                    _ = try method(problem)
                    named = nil
                } catch let error as ProblemFileError {
                    named = error.field
                }
            } catch let error as ProblemFileError {
                named = error.field
            } catch {
                named = "\(error)"
            }
            #expect(named == field, "\(text): refused naming \(named ?? "nothing"), expected \(field)")
            // One more mutation: no crash, and a refusal still names a field.
            var document = try InputJSON.parse(text)
            for _ in 0..<20 {
                let all = Self.paths(document).filter { !$0.isEmpty }
                let path = all[Int(generator.next() % UInt64(all.count))]
                let value = Self.sizeReplacements[Int(generator.next() % UInt64(Self.sizeReplacements.count))]
                let mutated = (try? document.setting(path, to: value)) ?? document
                do {
                    guard let p = Self.bounded(try Problem.load(mutated)) else { continue }
                    for run: (Problem) throws -> RunResult in [{ try Simulation.integrate($0) }, { try Simulation.descend($0) }] {
                        do {
                            let result = try run(p)
                            if result.succeeded { #expect(result.rows.allSatisfy { $0.allSatisfy(\.isFinite) }) }
                        } catch let error as InputError {
                            #expect(!error.field.isEmpty)
                        } catch {
                            Issue.record("a run threw \(type(of: error)), not an InputError: \(error)")
                        }
                    }
                } catch {
                    #expect(!error.field.isEmpty && !error.message.isEmpty)
                }
                document = mutated
            }
        }
    }
}
