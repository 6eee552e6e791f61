namespace Orchestrator.Contracts;

/// <summary>Wraps a call's typed work (the orchestrator's injected fault does): how the untyped paths reach the type.</summary>
internal interface IWorkWrapper
{
    /// <summary>The work to run instead of <paramref name="work"/>.</summary>
    Func<CancellationToken, Task<T>> Wrap<T>(Func<CancellationToken, Task<T>> work);
}
