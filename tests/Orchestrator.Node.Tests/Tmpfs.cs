using System.Diagnostics;

namespace Orchestrator.Node.Tests;

/// <summary>A small tmpfs of its own (mounted as root, as CI and this machine run), to fill up: a disk that runs full, for real.</summary>
public sealed class Tmpfs : IDisposable
{
    public Tmpfs(int megabytes)
    {
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
    }

    /// <summary>Where it is mounted.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"orchestrator-tmpfs-{Guid.NewGuid():N}");

    /// <summary>Bytes free on it now.</summary>
    public long Free => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Fills it with a file until <paramref name="leave"/> bytes are free (or fewer); the file's path.</summary>
    public string Fill(long leave)
    {
        var filler = System.IO.Path.Combine(Path, $"filler-{Guid.NewGuid():N}");
        using var file = new FileStream(filler, FileMode.CreateNew, FileAccess.Write);
        var block = new byte[64 * 1024];
        try
        {
            while (Free > leave) file.Write(block, 0, (int)Math.Min(block.Length, Math.Max(4096, Free - leave)));
            file.Flush(true);
        }
        catch (IOException)
        {
            // full
        }
        return filler;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS's temp cleanup
        }
    }

    private static void Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
    }
}
