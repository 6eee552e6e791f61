namespace Orchestrator.Contracts;

/// <summary>A chosen result given as JSON text: how a <see cref="System.Text.Json.JsonElement"/> result travels to the other members.</summary>
internal sealed record FaultJson(string Json);
