import ArgumentParser
import Lifecycle
import Statistics

// The domain's enumerations, typed as options: a value that is none of their cases is a usage
// error from swift-argument-parser's own validation (exit 2; over the server -32002, a usage error), naming
// the values there are, before any command runs. One file, so that a reader finds every
// conformance in one place.

extension Role: ExpressibleByArgument {}
extension Baseline.Source: ExpressibleByArgument {}
extension Baseline.HumanQuality: ExpressibleByArgument {}
extension FigureUnit: ExpressibleByArgument {}
extension LabelSchema.Task: ExpressibleByArgument {}
extension TieRule: ExpressibleByArgument {}
extension LabelImportFormat: ExpressibleByArgument {}
extension Deployment.Form: ExpressibleByArgument {}
extension Correction: ExpressibleByArgument {}
extension DriftTest: ExpressibleByArgument {}
extension MeasurementLevel: ExpressibleByArgument {}
