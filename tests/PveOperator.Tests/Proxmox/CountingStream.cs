namespace PveOperator.Tests.Proxmox;

/// <summary>A read-only stream of <c>length</c> spaces, made up as it is read, that counts what was read.</summary>
internal sealed class CountingStream(long length) : Stream
{
    private long position;

    public long BytesRead => Interlocked.Read(ref position);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - position);
        buffer.AsSpan(offset, n).Fill((byte)' ');
        Interlocked.Add(ref position, n);
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
