import Metrics
import Prometheus

/// Bootstraps swift-metrics with the Prometheus backend, once per process.
enum MetricsSetup {
    static func bootstrap() -> @Sendable () -> String {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1)
        ]
        MetricsSystem.bootstrap(factory)
        return { registry.emitToString() }
    }
}
