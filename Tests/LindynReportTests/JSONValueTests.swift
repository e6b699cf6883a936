import Foundation
import Testing
@testable import LindynReport

@Suite("JSON values")
struct JSONValueTests {
    @Test func compactAndPrettyLayouts() {
        let value: JSONValue = ["b": 1, "a": [1.5, nil, true], "nested": ["rows": [[1, 2], [3, 4]]], "empty": [], "none": [:]]
        #expect(value.serialized() == #"{"b":1,"a":[1.5,null,true],"nested":{"rows":[[1,2],[3,4]]},"empty":[],"none":{}}"#)
        #expect(value.serialized(.pretty) == """
            {
              "b": 1,
              "a": [1.5, null, true],
              "nested": {
                "rows": [
                  [1, 2],
                  [3, 4]
                ]
              },
              "empty": [],
              "none": {}
            }
            """)
    }

    @Test func nonFiniteNumbersBecomeNull() {
        let value: JSONValue = [.number(.nan), .number(.infinity), .number(-.infinity), 1.0]
        #expect(value.serialized() == "[null,null,null,1.0]")
        // A table cell keeps its non-finite value as the word CSV prints; missing stays null.
        let cells: [Cell] = [.number(.nan), .number(.infinity), .number(-.infinity), .missing]
        let table = Table(columns: ["a", "b", "c", "d"], rows: [cells])
        #expect(table.json(layout: .compact) == #"{"columns":["a","b","c","d"],"rows":[["NaN","inf","-inf",null]]}"#)
        #expect(table.csv() == "a,b,c,d\nNaN,inf,-inf,\n")
    }

    @Test func stringEscapes() throws {
        let value = JSONValue.string("q\"b\\n\nt\tc\u{01}é😀")
        #expect(value.serialized() == #""q\"b\\n\nt\tc\u0001é😀""#)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test func objectKeysKeepInsertionOrder() {
        var object: JSONObject = ["z": 1, "a": 2]
        object["m"] = 3
        object["z"] = 4
        #expect(object.keys == ["z", "a", "m"])
        object["a"] = nil
        #expect(JSONValue.object(object).serialized() == #"{"z":4,"m":3}"#)
        var merged: JSONObject = ["status": "success"]
        merged.merge(["columns": [], "status": "failure"])
        #expect(JSONValue.object(merged).serialized() == #"{"status":"failure","columns":[]}"#)
    }

    /// Doubles that stress shortest round-trip printing, plus random bit patterns.
    static let hardDoubles: [Double] = {
        var values: [Double] = [
            0.1, 0.2, 0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0, 1e-7, 3.3864e-05, .leastNonzeroMagnitude, .leastNormalMagnitude,
            Double.leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, 9007199254740994, 1e16, 1e22, 1e23, 123456.789e3,
            -0.0, 0.0, 40.0, -1.5, .pi, 4.35, 0.3,
        ]
        var generator = SystemRandomNumberGenerator()
        while values.count < 2000 {
            let candidate = Double(bitPattern: generator.next())
            if candidate.isFinite { values.append(candidate) }
        }
        return values
    }()

    /// Foundation's JSONSerialization keeps every digit we print, bit for bit.
    ///
    /// On Linux it returns numbers of more than about 15 digits as `NSDecimalNumber`, whose
    /// `doubleValue` is not correctly rounded (0.30000000000000004 comes back one ulp off). The
    /// digits it holds are exact, so readers should convert `stringValue` with `Double(_:)`, or use
    /// `JSONDecoder`, which rounds correctly; both are checked here.
    @Test func numbersRoundTripBitForBitThroughFoundation() throws {
        let text = JSONValue.array(Self.hardDoubles.map(JSONValue.number)).serialized()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any])
        #expect(parsed.count == Self.hardDoubles.count)
        let decoded = try JSONDecoder().decode([Double].self, from: Data(text.utf8))
        var mismatches: [String] = []
        for ((element, viaDecoder), expected) in zip(zip(parsed, decoded), Self.hardDoubles) {
            let number = try #require(element as? NSNumber)
            let viaSerialization = try #require(Double(number.stringValue))
            if viaSerialization.bitPattern != expected.bitPattern || viaDecoder.bitPattern != expected.bitPattern {
                mismatches.append("\(expected) -> \(viaSerialization), \(viaDecoder)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func numbersRoundTripBitForBitThroughOwnParser() throws {
        let text = JSONValue.array(Self.hardDoubles.map(JSONValue.number)).serialized()
        let parsed = try #require(try JSONValue.parse(text).arrayValue)
        for (element, expected) in zip(parsed, Self.hardDoubles) {
            guard case .number(let value) = element else {
                Issue.record("\(expected) read back as \(element)")
                continue
            }
            #expect(value.bitPattern == expected.bitPattern)
        }
    }

    @Test func integersAndDoublesKeepTheirKind() throws {
        #expect(try JSONValue.parse("[40, 40.0, 4e1, -7, 12345678901234567890]")
                == [40, 40.0, 40.0, -7, .number(1.2345678901234567e19)])
        #expect(JSONValue.integer(Int.max).serialized() == "9223372036854775807")
    }

    @Test func parsesNestedDocuments() throws {
        let text = #" { "a" : [ 1 , { "b" : null } ], "c": "\u00e9\ud83d\ude00\/", "d": false } "#
        let value = try JSONValue.parse(text)
        #expect(value == ["a": [1, ["b": nil]], "c": "é😀/", "d": false])
        #expect(value["a"]?.arrayValue?.count == 2)
        #expect(value["c"]?.stringValue == "é😀/")
    }

    @Test(arguments: ["", "[1,", "{\"a\" 1}", "01", "1.", "-", "[1 2]", "\"abc", "nul", "1e", "[1]x", "\"\\x\"", "\"\\u12G4\"", "1e999"])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: ReportError.self) { try JSONValue.parse(text) }
    }

    @Test func parseErrorNamesTheOffset() {
        #expect(throws: ReportError.invalidJSON(offset: 3, expected: "',' or ']'")) { try JSONValue.parse("[1 2]") }
    }
}
