using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Wirewatch.WebConsole.Tests;

/// <summary>What a person (signing in through the form) and an API client do against the console.</summary>
internal static partial class ConsoleForms
{
    public static async Task SignInAsync(HttpClient client, string token)
    {
        var form = await client.GetStringAsync("login");
        var response = await PostFormAsync(client, "login", AntiForgery(form), ("Token", token));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
    }

    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string? antiForgery, params (string Key, string Value)[] fields)
    {
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).ToList();
        if (antiForgery is not null)
        {
            values.Add(new("__RequestVerificationToken", antiForgery));
        }

        return client.PostAsync(path, new FormUrlEncodedContent(values));
    }

    public static string AntiForgery(string html) => AntiForgeryField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no anti-forgery field in the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryField();

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static async Task<JsonElement> PostJsonAsync(HttpClient client, string path, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
