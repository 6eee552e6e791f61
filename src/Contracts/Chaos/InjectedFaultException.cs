namespace Orchestrator.Contracts;

/// <summary>The failure of a call that an injected <see cref="Fault"/> failed on purpose; it counts as the dependency's failure.</summary>
public sealed class InjectedFaultException(string message) : Exception(message);
