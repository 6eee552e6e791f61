using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orchestrator.Node.Api;

namespace Orchestrator.Node.Edge;

/// <summary>
/// Gives the web server's own rejections the node's JSON error body. Kestrel answers a request it cannot parse (a
/// malformed request line or header: 400; headers too large: 431; a request line too long: 414...) before the
/// node's pipeline ever sees it, with an empty body, and offers no hook to change that. Two pieces mend it: a
/// listener of Kestrel's <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c> event notes the rejection on its
/// connection (a <see cref="Slot"/> among the connection's features), and a connection middleware holds that
/// connection's next output back and, when it is the expected bare error answer (a 4xx or 5xx status line,
/// <c>Content-Length: 0</c>, nothing after the headers), adds <c>{"error": "..."}</c> naming the problem. Anything
/// else passes through untouched; a connection with no rejection noted is never held (one field read per write).
/// Plain HTTP only: on a TLS endpoint the bytes seen here are encrypted, and the rejection keeps its empty body.
/// </summary>
public static class ServerRejections
{
    /// <summary>The diagnostic event Kestrel raises for a request it rejects.</summary>
    public const string BadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    /// <summary>Puts the connection middleware on every endpoint of <paramref name="kestrel"/>.</summary>
    public static void Use(KestrelServerOptions kestrel) =>
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => async connection =>
        {
            var slot = new Slot();
            connection.Features.Set(slot);
            var transport = connection.Transport;
            connection.Transport = new DuplexPipe(transport.Input, new HeldWriter(transport.Output, slot));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
            }
        }));

    /// <summary>Listens for Kestrel's rejections in <paramref name="app"/> (for as long as it runs).</summary>
    public static void Listen(IApplicationBuilder app)
    {
        var listener = app.ApplicationServices.GetRequiredService<DiagnosticListener>();
        var subscription = listener.Subscribe(new Observer(), name => name == BadRequestEvent);
        app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(subscription.Dispose);
    }

    /// <summary>The JSON body of a rejection with <paramref name="status"/> that Kestrel explained with <paramref name="message"/>.</summary>
    public static byte[] Body(int status, string? message)
    {
        var said = string.IsNullOrWhiteSpace(message) ? "" : $" (the server said: {(message.Length <= 200 ? message : message[..200] + "...")})";
        var error = status switch
        {
            StatusCodes.Status431RequestHeaderFieldsTooLarge => $"The request's headers are too large; the node takes at most {InputLimits.MaxHeaderBytes / 1024} KB of headers.",
            StatusCodes.Status414RequestUriTooLong => $"The request line is too long; the node takes at most {InputLimits.ServerRequestLine / 1024} KB.",
            StatusCodes.Status413PayloadTooLarge => $"The request body is larger than {InputLimits.MaxBodyBytes / 1024} KB, the most the node takes.",
            StatusCodes.Status408RequestTimeout => "The request did not arrive in time.",
            _ => "The request is not valid HTTP, so the node could not read it.",
        };
        return JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(error + said), NodeJson.Options);
    }

    /// <summary>A rejection noted on a connection, for its writer to find.</summary>
    public sealed class Slot
    {
        private volatile string? _message;
        private volatile bool _pending;

        /// <summary>Whether a rejection waits to be answered.</summary>
        public bool Pending => _pending;

        /// <summary>What Kestrel said.</summary>
        public string? Message => _message;

        internal void Note(string? message)
        {
            _message = message;
            _pending = true;
        }

        internal void Clear() => _pending = false;
    }

    private sealed class Observer : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> pair)
        {
            if (pair.Value is IFeatureCollection features && features.Get<Slot>() is { } slot)
                slot.Note(features.Get<IBadRequestExceptionFeature>()?.Error?.Message);
        }

        public void OnError(Exception error) { }

        public void OnCompleted() { }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Passes writes through, except after a rejection: then it holds them, and mends the bare answer when it is flushed.</summary>
    private sealed class HeldWriter(PipeWriter inner, Slot slot) : PipeWriter
    {
        private ArrayBufferWriter<byte>? _held;
        private bool _spanHeld;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            _spanHeld = slot.Pending;
            return _spanHeld ? (_held ??= new ArrayBufferWriter<byte>()).GetMemory(sizeHint) : inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (_spanHeld) _held!.Advance(bytes);
            else inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Release();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

        public override void Complete(Exception? exception = null)
        {
            Release();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            Release();
            return inner.CompleteAsync(exception);
        }

        /// <summary>Writes what is held to the connection, mended when it is the bare rejection.</summary>
        private void Release()
        {
            if (_held is not { WrittenCount: > 0 } held) return;
            var bytes = Mend(held.WrittenSpan, slot.Message) ?? held.WrittenSpan.ToArray();
            slot.Clear();
            held.Clear();
            inner.Write(bytes);
        }
    }

    private static readonly byte[] EmptyLength = "\r\nContent-Length: 0\r\n"u8.ToArray();

    /// <summary>
    /// <paramref name="answer"/> with a JSON body, when it is a bare error answer (status 400-599, <c>Content-Length: 0</c>,
    /// nothing after its headers); null when it is anything else.
    /// </summary>
    internal static byte[]? Mend(ReadOnlySpan<byte> answer, string? message)
    {
        if (answer.Length < 16 || !answer.StartsWith("HTTP/1.1 "u8) || !answer.EndsWith("\r\n\r\n"u8)) return null;
        if (!int.TryParse(Encoding.ASCII.GetString(answer.Slice(9, 3)), out var status) || status is < 400 or > 599) return null;
        var headersEnd = answer.IndexOf("\r\n\r\n"u8);
        if (headersEnd != answer.Length - 4) return null; // a body, or a second answer: not the bare rejection
        var length = answer.IndexOf(EmptyLength);
        if (length < 0) return null;
        var body = Body(status, message);
        var replacement = Encoding.ASCII.GetBytes($"\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n");
        var mended = new byte[answer.Length - EmptyLength.Length + replacement.Length + body.Length];
        answer[..length].CopyTo(mended);
        replacement.CopyTo(mended.AsSpan(length));
        answer[(length + EmptyLength.Length)..].CopyTo(mended.AsSpan(length + replacement.Length));
        body.CopyTo(mended.AsSpan(mended.Length - body.Length));
        return mended;
    }
}
