import Foundation
import LindynIntegrator
import LindynReport

extension Provenance {
    /// The versions of the numerical libraries this build is linked against: `gsl` (its header
    /// version) and `openblas` (from `openblas_get_config`, with its build description).
    public static var linkedLibraries: [String: String] {
        let config = LinearAlgebra.blasConfiguration
        let words = config.split(separator: " ")
        let openblas = words.count >= 2 && words[0] == "OpenBLAS" ? String(words[1]) : config
        return ["gsl": LinearAlgebra.gslVersion, "openblas": openblas, "openblas_config": config]
    }

    /// A record of this process: the build, the libraries, the command line, `inputs` and `seeds`.
    public static func current(inputs: [Input] = [], seeds: [String: UInt64] = [:], date: Date = Date()) -> Provenance {
        Provenance(libraries: linkedLibraries, inputs: inputs, seeds: seeds, date: date)
    }

    /// The file name of the record beside a validation run's tables.
    public static let fileName = "provenance.json"
}

/// The `seed` members of a JSON document, by dotted path (`descent.seed`, `model.init.seed`;
/// an array element by its index), in document order. Grid axes over a seed are reported with
/// the path of the axis (`grid.descent.seed`) only when their values are whole numbers.
public func seedMembers(of value: JSONValue, prefix: String = "") -> [(String, UInt64)] {
    var out: [(String, UInt64)] = []
    switch value {
    case .object(let object):
        for (key, member) in object {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if key == "seed" || key.hasSuffix(".seed") {
                if case .integer(let n) = member, n >= 0 { out.append((path, UInt64(n))) }
                if case .array(let values) = member {
                    for (k, v) in values.enumerated() { if case .integer(let n) = v, n >= 0 { out.append(("\(path)[\(k)]", UInt64(n))) } }
                }
            }
            out += seedMembers(of: member, prefix: path)
        }
    case .array(let elements):
        for (k, element) in elements.enumerated() { out += seedMembers(of: element, prefix: "\(prefix)[\(k)]") }
    default: break
    }
    return out
}
