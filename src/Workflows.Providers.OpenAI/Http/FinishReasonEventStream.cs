namespace Workflows.Providers.OpenAI;

/// <summary>
/// A read-only stream over a server-sent-events body that passes every line through
/// <see cref="ChatCompletionReply.NormalizeEventLine"/> as it arrives (nothing is buffered beyond the current line).
/// </summary>
internal sealed class FinishReasonEventStream(Stream inner, ProviderCall? call) : Stream
{
    private readonly byte[] _readBuffer = new byte[8192];
    private readonly MemoryStream _line = new();
    private byte[] _pending = [];
    private int _pendingOffset;
    private bool _innerDone;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pendingOffset >= _pending.Length)
        {
            if (_innerDone)
            {
                return 0;
            }

            var read = await inner.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _innerDone = true;
                SetPending(_line.ToArray()); // the last line, when the body does not end with a line break
                continue;
            }

            var output = new MemoryStream();
            for (var i = 0; i < read; i++)
            {
                _line.WriteByte(_readBuffer[i]);
                if (_readBuffer[i] == (byte)'\n')
                {
                    output.Write(ChatCompletionReply.NormalizeEventLine(_line.ToArray(), call));
                    _line.SetLength(0);
                }
            }

            SetPending(output.ToArray());
        }

        var count = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
        _pending.AsMemory(_pendingOffset, count).CopyTo(buffer);
        _pendingOffset += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _line.Dispose();
        }

        base.Dispose(disposing);
    }

    private void SetPending(byte[] bytes)
    {
        _pending = bytes;
        _pendingOffset = 0;
    }
}
