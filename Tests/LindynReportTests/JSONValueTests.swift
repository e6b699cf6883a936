import Foundation
import Testing
@testable import LindynReport
