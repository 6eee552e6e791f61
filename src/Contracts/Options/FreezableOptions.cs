using System.Runtime.CompilerServices;

namespace Orchestrator.Contracts;

/// <summary>
/// Options that the orchestrator freezes once it has validated them at start-up: from then on, setting a property
/// (or changing one of their lists or dictionaries) throws <see cref="InvalidOperationException"/> naming it, so
/// that what runs is what was validated.
/// </summary>
public abstract class FreezableOptions
{
    private protected FreezableOptions()
    {
    }

    /// <summary>Whether the options are frozen.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>Throws when the options are frozen.</summary>
    private protected void ThrowIfFrozen([CallerMemberName] string property = "")
    {
        if (IsFrozen)
            throw new InvalidOperationException(
                $"{GetType().Name}.{property} cannot be changed: the orchestrator froze its options when it validated them at start-up.");
    }

    /// <summary>Freezes these options and every option they hold; freezing twice is harmless.</summary>
    internal void Freeze()
    {
        if (IsFrozen) return;
        FreezeParts();
        IsFrozen = true;
    }

    /// <summary>Freezes what these options hold (nested options, lists, dictionaries) before they are frozen themselves.</summary>
    private protected virtual void FreezeParts()
    {
    }

    /// <summary>A read-only copy of <paramref name="list"/> (null stays null).</summary>
    private protected static IList<T> ReadOnly<T>(IList<T> list) => list is null ? null! : Array.AsReadOnly(list.ToArray());
}
