using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BpfChannels.Examples.Tests.Browser;

/// <summary>
/// A headless Chromium (the distribution's package) driven over the Chrome DevTools protocol: one page, reached
/// through a WebSocket on 127.0.0.1. Launched with its background networking off, so the only traffic is to the
/// pages a test opens.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiving;
    private int _nextId;

    private HeadlessChromium(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    /// <summary>Starts <paramref name="executable"/> with a fresh profile and connects to its first page.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(string executable, int width, int height, CancellationToken cancellationToken)
    {
        string profile = Directory.CreateTempSubdirectory("bpfchannels-chromium-").FullName;
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-default-apps", "--disable-client-side-phishing-detection",
            "--disable-features=Translate,MediaRouter,OptimizationHints", "--metrics-recording-only", "--password-store=basic",
            "--hide-scrollbars", $"--window-size={width},{height}", "about:blank",
        ];
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start.");
        var output = new StringBuilder();
        DataReceivedEventHandler collect = (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Chromium writes the port it chose (and the browser's WebSocket path) to DevToolsActivePort.
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            string[] lines = [];
            while (lines.Length < 2)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{executable} exited with {process.ExitCode} before it listened for DevTools: {output}");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                lines = File.Exists(portFile) ? await File.ReadAllLinesAsync(portFile, cancellationToken).ConfigureAwait(false) : [];
            }

            int port = int.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture);
            using var http = new HttpClient();
            string list = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list"), cancellationToken).ConfigureAwait(false);
            string? pageSocket = null;
            foreach (JsonElement target in JsonDocument.Parse(list).RootElement.EnumerateArray())
            {
                if (target.GetProperty("type").GetString() == "page")
                {
                    pageSocket = target.GetProperty("webSocketDebuggerUrl").GetString();
                    break;
                }
            }

            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(pageSocket ?? throw new InvalidOperationException($"Chromium has no page target: {list}")), cancellationToken).ConfigureAwait(false);
            return new HeadlessChromium(process, profile, socket);
        }
        catch
        {
            Stop(process, profile);
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> and waits until the document has loaded.</summary>
    public async Task NavigateAsync(string url, CancellationToken cancellationToken)
    {
        JsonElement result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, cancellationToken).ConfigureAwait(false);
        if (result.TryGetProperty("errorText", out JsonElement error))
        {
            throw new InvalidOperationException($"Navigating to {url} failed: {error.GetString()}");
        }

        await WaitForAsync("document.readyState === 'complete'", TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        JsonElement result = await SendAsync(
            "Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true },
            cancellationToken).ConfigureAwait(false);
        if (result.TryGetProperty("exceptionDetails", out JsonElement exception))
        {
            throw new InvalidOperationException($"'{expression}' threw in the page: {exception}");
        }

        JsonElement value = result.GetProperty("result");
        return value.TryGetProperty("value", out JsonElement v) ? v.Clone() : default;
    }

    /// <summary>Evaluates <paramref name="condition"/> every 10 ms until it is true; returns how long that took.</summary>
    /// <exception cref="TimeoutException">It was not true within <paramref name="timeout"/>.</exception>
    public async Task<TimeSpan> WaitForAsync(string condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        _ = await WaitForValueAsync($"Boolean({condition}) || null", timeout, cancellationToken).ConfigureAwait(false);
        return watch.Elapsed;
    }

    /// <summary>Evaluates <paramref name="expression"/> every 10 ms until it is neither null nor undefined; returns that value.</summary>
    /// <exception cref="TimeoutException">It stayed null within <paramref name="timeout"/>.</exception>
    public async Task<JsonElement> WaitForValueAsync(string expression, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            JsonElement value = await EvaluateAsync(expression, cancellationToken).ConfigureAwait(false);
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                return value;
            }

            if (watch.Elapsed > timeout)
            {
                string body = (await EvaluateAsync("document.body ? document.body.innerText : ''", cancellationToken).ConfigureAwait(false)).GetString() ?? "";
                throw new TimeoutException($"'{expression}' gave nothing within {timeout.TotalMilliseconds} ms. The page reads:\n{body}");
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A PNG of the page's viewport.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken)
    {
        JsonElement result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, cancellationToken).ConfigureAwait(false);
        return result.GetProperty("data").GetBytesFromBase64();
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await _receiving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }

        _socket.Dispose();
        Stop(_process, _profile);
        _closing.Dispose();
    }

    private static void Stop(Process process, string profile)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }

        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // A child still writing its profile; the directory is in /tmp.
        }
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        int id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        byte[] bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReceiveAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            ValueWebSocketReceiveResult received = await _socket.ReceiveAsync(buffer.AsMemory(), _closing.Token).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            using (JsonDocument document = JsonDocument.Parse(message.ToArray()))
            {
                JsonElement root = document.RootElement;
                // Replies carry the request's id; events (no id) are not used here.
                if (root.TryGetProperty("id", out JsonElement idElement) && _pending.TryRemove(idElement.GetInt32(), out TaskCompletionSource<JsonElement>? reply))
                {
                    if (root.TryGetProperty("error", out JsonElement error))
                    {
                        reply.TrySetException(new InvalidOperationException($"DevTools refused the command: {error}"));
                    }
                    else
                    {
                        reply.TrySetResult(root.GetProperty("result").Clone());
                    }
                }
            }

            message.SetLength(0);
        }

        foreach (TaskCompletionSource<JsonElement> reply in _pending.Values)
        {
            reply.TrySetException(new InvalidOperationException("The DevTools connection closed."));
        }
    }
}
