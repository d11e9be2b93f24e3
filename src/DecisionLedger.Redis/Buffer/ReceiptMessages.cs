using System.Buffers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Recording;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Buffer;

/// <summary>The receipts message the sequencer publishes after each commit: one NDJSON line <c>{"requestId","seq","leafHash"}</c> per decision.</summary>
internal static class ReceiptMessages
{
    public static byte[] Write(IEnumerable<RecordReceipt> receipts)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer);
        foreach (RecordReceipt receipt in receipts)
        {
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString("requestId", receipt.RequestId);
            writer.WriteNumber("seq", receipt.Seq);
            writer.WriteString("leafHash", receipt.LeafHashBase64);
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
        }

        return buffer.WrittenMemory.ToArray();
    }

    public static IEnumerable<RecordReceipt> Read(RedisValue message)
    {
        byte[]? bytes = message;
        if (bytes is null)
        {
            yield break;
        }

        foreach (string line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            yield return new RecordReceipt(
                root.GetProperty("seq").GetInt64(),
                root.GetProperty("requestId").GetString()!,
                Sha256Hash.FromBase64(root.GetProperty("leafHash").GetString()!));
        }
    }
}
