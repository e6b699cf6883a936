import Foundation

/// PNG and PDF copies of SVG figures, made by `rsvg-convert` (librsvg; Debian `librsvg2-bin`,
/// Homebrew `librsvg`) when it is installed.
public enum FigureExport {
    /// A format a figure can be written in besides SVG.
    public enum Format: String, Sendable, CaseIterable {
        /// A raster image (`.png`).
        case png
        /// A vector document (`.pdf`).
        case pdf
    }

    /// The `rsvg-convert` executable on `PATH`, or `nil`.
    public static var converter: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin:/usr/local/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/opt/homebrew/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// What to say when no converter is installed.
    public static let missingConverterMessage =
        "PNG and PDF figures are made with rsvg-convert, which is not installed (Debian: apt-get install librsvg2-bin; macOS: brew install librsvg); the SVG figures are written regardless"

    /// Writes `svg` (an SVG file) as `format` to `output`, PNG at twice the SVG's pixel size.
    public static func convert(_ svg: URL, to output: URL, format: Format) throws(ReportError) {
        guard let converter else {
            throw .fileOperation(path: output.path, operation: "convert to \(format.rawValue)", reason: missingConverterMessage)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: converter)
        var arguments = ["--format", format.rawValue, "--output", output.path]
        if format == .png { arguments += ["--zoom", "2"] }
        process.arguments = arguments + [svg.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .fileOperation(path: output.path, operation: "run rsvg-convert", reason: error.localizedDescription)
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .fileOperation(path: output.path, operation: "convert to \(format.rawValue) with rsvg-convert",
                                 reason: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
