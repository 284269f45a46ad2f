import { defineScenario, deploy, steady, step } from 'drillbit';

/**
 * Not a drill to pass: its name, a step name and an error message are hostile HTML.
 * harness/report/html-report.browser.test.ts proves the HTML report shows them as text.
 */
export default defineScenario({
  name: '<img src=x onerror=alert(1)>',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.5 },
  steps: [
    deploy('shop', 'v1'),
    steady('300ms'),
    step('<script>alert("step")</script>', () => {
      throw new Error('</script><script>alert(2)</script><!-- <img src=y onerror=alert(3)>');
    }),
  ],
});
