namespace Orchestrator.Contracts;

/// <summary>Reads an enum from a name a caller sent: its name in any case, never a number, never an undefined value.</summary>
public static class EnumNames
{
    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum =>
        Enum.TryParse(name, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(name, out _);
}
