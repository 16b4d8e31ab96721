// Skip puppeteer's browser download when a system Chromium/Chrome is installed
// (offline machines cannot download one); keep it for users who have no browser.
const { existsSync } = require('node:fs');
const systemBrowsers = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
const found = process.env.PUPPETEER_EXECUTABLE_PATH || systemBrowsers.find((p) => existsSync(p));
module.exports = found ? { skipDownload: true } : {};
