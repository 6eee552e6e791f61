using Orchestrator.Contracts;

namespace Orchestrator.Bench.Micro;

/// <summary>
/// Stress signals that always read calm. The benchmarks keep every core busy on purpose; read from the
/// process, that CPU would drive the node to Severe and switch the benchmark's own (Important) calls off, so the
/// orchestrator would answer with fallbacks instead of running the call path being measured.
/// </summary>
public sealed class CalmStress : IStressSignalSource
{
    public StressSignals Read() => StressSignals.Calm;
}
