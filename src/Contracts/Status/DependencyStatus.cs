namespace Orchestrator.Contracts;

/// <summary>Everything a person wants to know about one dependency at one moment.</summary>
public sealed record DependencyStatus(string Name, BreakerSnapshot Breaker, BulkheadSnapshot Bulkhead, CallCounters Calls, TimeSpan DefaultTimeout);
