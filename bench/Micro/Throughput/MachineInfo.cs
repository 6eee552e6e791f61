using System.Runtime.InteropServices;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>Where and when the numbers were measured.</summary>
public sealed record MachineInfo(int Cores, string Os, string Runtime, DateTimeOffset MeasuredAt)
{
    public static MachineInfo Current() =>
        new(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, DateTimeOffset.UtcNow);
}
