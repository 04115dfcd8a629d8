/**
 * Copy-ready ways for a device to reach the hub, filled in with its address,
 * ports, token and device label. Pure functions: the console shows them, the
 * tests run them (docs/ONBOARDING.md says which library versions they follow).
 */

export interface ConnectionSettings {
  host: string;
  /** Listener ports; absent when that listener is off. */
  ports: { mqtts?: number | undefined; https?: number | undefined; mqtt?: number | undefined };
  token: string;
  deviceLabel: string;
  caFingerprint: string;
}

/** The file name the console saves the hub CA as; the snippets refer to it. */
export const caFileName = 'outpost-ca.crt';
export const sampleVariable = 'temperature';
export const sampleValue = 21.5;

export interface Snippet {
  id: 'mosquitto_pub' | 'curl' | 'python' | 'thingsboard' | 'ubidots';
  title: string;
  language: 'sh' | 'python' | 'cpp';
  /** Missing: why the snippet cannot work with the hub's current listeners. */
  text: string | null;
  note: string;
}

/** POSIX single quotes: the token and label are pasted into a shell as they are. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** A C or Python string literal (labels and tokens are ASCII without quotes, but never trust that). */
const cstr = (s: string) => JSON.stringify(s);
const urlHost = (h: string) => (h.includes(':') ? `[${h}]` : h);

const payload = () => JSON.stringify({ [sampleVariable]: sampleValue });

function mosquittoPub(c: ConnectionSettings): string | null {
  if (!c.ports.mqtts) return null;
  return `mosquitto_pub -h ${sq(c.host)} -p ${c.ports.mqtts} --cafile ${caFileName} -u ${sq(c.token)} -q 1 -t ${sq(`/v1.6/devices/${c.deviceLabel}`)} -m ${sq(payload())}`;
}

function curl(c: ConnectionSettings): string | null {
  if (!c.ports.https) return null;
  return `curl --cacert ${caFileName} -H ${sq(`X-Auth-Token: ${c.token}`)} -H 'Content-Type: application/json' -d ${sq(payload())} ${sq(`https://${urlHost(c.host)}:${c.ports.https}/api/v1.6/devices/${c.deviceLabel}`)}`;
}

function python(c: ConnectionSettings): string | null {
  if (!c.ports.mqtts) return null;
  return [
    'import json',
    'import paho.mqtt.client as mqtt',
    '',
    '# paho-mqtt 2.x wants the callback API version; 1.x has none.',
    'try:',
    '    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)',
    'except AttributeError:',
    '    client = mqtt.Client()',
    `client.username_pw_set(${cstr(c.token)})`,
    `client.tls_set(ca_certs=${cstr(caFileName)})`,
    `client.connect(${cstr(c.host)}, ${c.ports.mqtts})`,
    'client.loop_start()',
    `info = client.publish(${cstr(`/v1.6/devices/${c.deviceLabel}`)}, json.dumps({${cstr(sampleVariable)}: ${sampleValue}}), qos=1)`,
    'info.wait_for_publish()  # returns once the hub has stored it (PUBACK)',
    'client.loop_stop()',
    'client.disconnect()',
  ].join('\n');
}

function thingsboard(c: ConnectionSettings, caPem: string): string | null {
  if (!c.ports.mqtts) return null;
  return [
    '// ThingsBoard Arduino SDK (thingsboard/thingsboard-client-sdk 0.12 or later), ESP32',
    '#include <WiFi.h>',
    '#include <WiFiClientSecure.h>',
    '#include <Arduino_MQTT_Client.h>',
    '#include <ThingsBoard.h>',
    '',
    'constexpr char WIFI_SSID[] = "YOUR_WIFI_SSID";',
    'constexpr char WIFI_PASSWORD[] = "YOUR_WIFI_PASSWORD";',
    `constexpr char TOKEN[] = ${cstr(c.token)};`,
    `constexpr char SERVER[] = ${cstr(c.host)};`,
    `constexpr uint16_t PORT = ${c.ports.mqtts}U;`,
    'constexpr uint16_t MAX_MESSAGE_SIZE = 256U;',
    `constexpr char ROOT_CERT[] = R"(${caPem.trim()}\n)";`,
    '',
    'WiFiClientSecure espClient;',
    'Arduino_MQTT_Client mqttClient(espClient);',
    'ThingsBoard tb(mqttClient, MAX_MESSAGE_SIZE);',
    '',
    'void setup() {',
    '  WiFi.begin(WIFI_SSID, WIFI_PASSWORD);',
    '  while (WiFi.status() != WL_CONNECTED) delay(500);',
    '  espClient.setCACert(ROOT_CERT);',
    '}',
    '',
    'void loop() {',
    '  if (!tb.connected() && !tb.connect(SERVER, TOKEN, PORT)) { delay(5000); return; }',
    `  tb.sendTelemetryData(${cstr(sampleVariable)}, ${sampleValue});  // v1/devices/me/telemetry`,
    '  tb.loop();',
    '  delay(10000);',
    '}',
  ].join('\n');
}

function ubidots(c: ConnectionSettings): string | null {
  // The library opens a plain WiFiClient: it can only use the hub's plain MQTT listener.
  if (!c.ports.mqtt) return null;
  return [
    '// Ubidots ESP32 MQTT library (ubidots/esp32-mqtt, UbidotsEsp32Mqtt.h): plain MQTT only',
    '#include "UbidotsEsp32Mqtt.h"',
    '',
    `const char *TOKEN = ${cstr(c.token)};`,
    `const char *DEVICE_LABEL = ${cstr(c.deviceLabel)};`,
    `Ubidots ubidots(TOKEN, ${cstr(c.host)}, ${c.ports.mqtt});`,
    '',
    'void setup() {',
    '  ubidots.connectToWifi("YOUR_WIFI_SSID", "YOUR_WIFI_PASSWORD");',
    '  ubidots.setup();',
    '  ubidots.reconnect();',
    '}',
    '',
    'void loop() {',
    '  if (!ubidots.connected()) ubidots.reconnect();',
    `  ubidots.add(${cstr(sampleVariable)}, ${sampleValue});`,
    '  ubidots.publish(DEVICE_LABEL);  // /v1.6/devices/{label}',
    '  ubidots.loop();',
    '  delay(10000);',
    '}',
  ].join('\n');
}

export function connectionSnippets(c: ConnectionSettings, caPem: string): Snippet[] {
  const mqttsOff = 'MQTT over TLS is off on this hub (start it with --mqtts-port).';
  return [
    { id: 'mosquitto_pub', title: 'mosquitto_pub', language: 'sh', text: mosquittoPub(c), note: c.ports.mqtts ? `Save the CA as ${caFileName} next to where you run it.` : mqttsOff },
    { id: 'curl', title: 'curl (HTTPS)', language: 'sh', text: curl(c), note: c.ports.https ? `Save the CA as ${caFileName} next to where you run it.` : 'HTTPS ingest is off on this hub (start it with --https-port).' },
    { id: 'python', title: 'Python (paho-mqtt)', language: 'python', text: python(c), note: c.ports.mqtts ? `pip install paho-mqtt; the CA as ${caFileName}.` : mqttsOff },
    { id: 'thingsboard', title: 'Arduino / ESP32: ThingsBoard library', language: 'cpp', text: thingsboard(c, caPem), note: c.ports.mqtts ? 'The CA is built into the sketch; the hub checks the token as the MQTT user name.' : mqttsOff },
    {
      id: 'ubidots',
      title: 'Arduino / ESP32: Ubidots library',
      language: 'cpp',
      text: ubidots(c),
      note: c.ports.mqtt
        ? 'This library cannot use TLS: it talks to the plain MQTT listener, which the hub flags as insecure.'
        : 'This library cannot use TLS, and the hub’s plain MQTT listener is off (start it with --mqtt-port 1883, flagged insecure). Prefer the ThingsBoard sketch, which uses TLS.',
    },
  ];
}

/** What the QR code carries: the same settings, compact, for a phone or a commissioning tool. */
export function connectionQrText(c: ConnectionSettings): string {
  return JSON.stringify({ outpost: 1, host: c.host, ports: c.ports, device: c.deviceLabel, token: c.token, caSha256: c.caFingerprint });
}
