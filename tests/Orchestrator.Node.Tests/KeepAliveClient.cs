using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Node.Tests;

/// <summary>
/// An HTTP/1.1 client as plain as a script's: one keep-alive connection, reused for request after request until an
/// answer says <c>Connection: close</c> (then it connects anew), and no retry of its own. Each request ends one way:
/// answered (a status), <see cref="Outcome.Refused"/> (the connection could not be made: the request never reached
/// the node), or <see cref="Outcome.CutOff"/> (it was sent, and the connection ended without an answer: what a
/// clean stop must never do).
/// </summary>
public sealed class KeepAliveClient(Uri node) : IDisposable
{
    public enum Outcome { Answered, Refused, CutOff }

    private TcpClient? _tcp;
    private NetworkStream? _stream;

    /// <summary>Sends <c>GET <paramref name="path"/></c>; how it ended, and the status when answered.</summary>
    public async Task<(Outcome Outcome, int Status, bool Closes)> GetAsync(string path, CancellationToken ct)
    {
        if (_stream is null)
        {
            try
            {
                _tcp = new TcpClient { NoDelay = true };
                await _tcp.ConnectAsync(node.Host, node.Port, ct);
                _stream = _tcp.GetStream();
            }
            catch (SocketException)
            {
                Close();
                return (Outcome.Refused, 0, true);
            }
        }
        try
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {node.Host}:{node.Port}\r\n\r\n"), ct);
        }
        catch (IOException)
        {
            // The write failed: the node had closed the connection before the request went out. It never reached it.
            Close();
            return (Outcome.Refused, 0, true);
        }
        try
        {
            var (status, closes) = await ReadAnswerAsync(_stream, ct);
            if (closes) Close();
            return (Outcome.Answered, status, closes);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or FormatException)
        {
            Close();
            return (Outcome.CutOff, 0, true);
        }
    }

    /// <summary>Reads one answer: its status line, headers and body (by Content-Length, or chunked).</summary>
    private static async Task<(int Status, bool Closes)> ReadAnswerAsync(Stream stream, CancellationToken ct)
    {
        var head = await ReadLineAsync(stream, ct);
        var status = int.Parse(head.Split(' ')[1]);
        int? length = null;
        bool chunked = false, closes = false;
        for (var line = await ReadLineAsync(stream, ct); line.Length > 0; line = await ReadLineAsync(stream, ct))
        {
            var colon = line.IndexOf(':');
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(value);
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) closes = value.Contains("close", StringComparison.OrdinalIgnoreCase);
        }
        if (chunked)
        {
            for (var size = Convert.ToInt32(await ReadLineAsync(stream, ct), 16); ; size = Convert.ToInt32(await ReadLineAsync(stream, ct), 16))
            {
                await SkipAsync(stream, size + 2, ct); // the chunk and its CRLF
                if (size == 0) break;
            }
        }
        else if (length is { } n)
        {
            await SkipAsync(stream, n, ct);
        }
        return (status, closes);
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new EndOfStreamException();
            if (one[0] == '\n') return line.ToString().TrimEnd('\r');
            line.Append((char)one[0]);
        }
    }

    private static async Task SkipAsync(Stream stream, int count, CancellationToken ct)
    {
        var buffer = new byte[Math.Max(1, Math.Min(count, 8192))];
        while (count > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(count, buffer.Length)), ct);
            if (read == 0) throw new EndOfStreamException();
            count -= read;
        }
    }

    private void Close()
    {
        _stream?.Dispose();
        _tcp?.Dispose();
        (_stream, _tcp) = (null, null);
    }

    public void Dispose() => Close();
}
